using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Cumin.Lambdas.LocalRunner;
using Cumin.Lambdas.LocalRunner.DynamoDbStreams;
using Cumin.Lambdas.Streams;
using Cumin.Lambdas.Tests.TestSupport;
using Cumin.Testing;

namespace Cumin.Lambdas.Tests.LocalRunner;

public sealed class StreamsClientFixture : IAsyncLifetime
{
    public string Prefix { get; } = LocalStack.UniquePrefix("streams");

    public AmazonDynamoDBClient DynamoDb { get; } = LocalStack.DynamoDb();

    /// <summary>Endpoint, region and credentials from the environment, as the runner builds it.</summary>
    public DynamoDbStreamsClient Streams { get; } = new(new DynamoDbStreamsClientOptions());

    public string StreamArn { get; private set; } = "";

    public async Task InitializeAsync()
    {
        await Tables.CreateTasksAsync(DynamoDb, Prefix);
        StreamArn = (await DynamoDb.DescribeTableAsync(Prefix + TableNames.Tasks)).Table.LatestStreamArn;
    }

    public Task DisposeAsync()
    {
        Streams.Dispose();
        DynamoDb.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>Our Streams client against DynamoDB Local's Streams endpoint.</summary>
public sealed class DynamoDbStreamsClientTests(StreamsClientFixture fixture) : IClassFixture<StreamsClientFixture>
{
    [Fact]
    public void Endpoint_comes_from_AWS_ENDPOINT_URL_DYNAMODB_when_no_Streams_endpoint_is_set() =>
        Assert.Equal(new Uri(LocalStack.DynamoDbEndpoint), fixture.Streams.Endpoint);

    [Fact]
    public async Task Lists_and_describes_the_table_stream()
    {
        var listed = await fixture.Streams.ListStreamsAsync(new ListStreamsRequest { TableName = fixture.Prefix + TableNames.Tasks });
        var description = await fixture.Streams.DescribeStreamFullyAsync(fixture.StreamArn);

        Assert.Equal(fixture.StreamArn, Assert.Single(listed.Streams).StreamArn);
        Assert.Equal("NEW_AND_OLD_IMAGES", description.StreamViewType);
        Assert.Equal("ENABLED", description.StreamStatus);
        Assert.NotEmpty(description.Shards);
    }

    [Fact]
    public async Task Reads_written_items_as_stream_records_in_order()
    {
        var project = Guid.NewGuid().ToString("N");
        await Tables.PutTaskAsync(fixture.DynamoDb, fixture.Prefix, project, "t1", "todo");
        await Tables.MoveTaskAsync(fixture.DynamoDb, fixture.Prefix, project, "t1", "done");
        await Tables.DeleteTaskAsync(fixture.DynamoDb, fixture.Prefix, project, "t1");

        var records = new List<DynamoDbStreamRecord>();
        foreach (var shard in (await fixture.Streams.DescribeStreamFullyAsync(fixture.StreamArn)).Shards)
        {
            var iterator = await fixture.Streams.GetShardIteratorAsync(new GetShardIteratorRequest
            {
                StreamArn = fixture.StreamArn,
                ShardId = shard.ShardId,
                ShardIteratorType = ShardIteratorType.TRIM_HORIZON,
            });
            for (var page = 0; page < 20 && iterator is not null; page++)
            {
                var response = await fixture.Streams.GetRecordsAsync(new GetRecordsRequest { ShardIterator = iterator, Limit = 1000 });
                records.AddRange(response.Records);
                iterator = response.Records.Count == 0 ? null : response.NextShardIterator;
            }
        }

        var mine = records.Where(r => r.Dynamodb?.Keys?["pk"].S == project).ToList();
        Assert.Equal([StreamEventNames.Insert, StreamEventNames.Modify, StreamEventNames.Remove], mine.Select(r => r.EventName));
        Assert.Equal("todo", mine[0].Dynamodb!.NewImage!["status"].S);
        Assert.Equal("todo", mine[1].Dynamodb!.OldImage!["status"].S);
        Assert.Equal("done", mine[1].Dynamodb!.NewImage!["status"].S);
        Assert.Equal("2", mine[1].Dynamodb!.NewImage!["etag"].N);
        Assert.Null(mine[2].Dynamodb!.NewImage);
        Assert.All(mine, r => Assert.True(StreamSequenceNumber.TryParse(r.Dynamodb!.SequenceNumber, out _)));
    }

    [Fact]
    public async Task Service_errors_surface_with_their_error_code()
    {
        var error = await Assert.ThrowsAsync<DynamoDbStreamsException>(() =>
            fixture.Streams.DescribeStreamAsync(new DescribeStreamRequest { StreamArn = fixture.StreamArn.Replace(TableNames.Tasks, "missing", StringComparison.Ordinal) }));

        Assert.True(error.IsResourceNotFound, error.ErrorCode);
    }

    [Fact]
    public async Task Requests_without_credentials_are_rejected_by_a_real_signature_check()
    {
        // DynamoDB Local checks that a request is signed, not the secret: a request without an Authorization header fails.
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, LocalStack.DynamoDbEndpoint)
        {
            Content = new StringContent("{}", null, "application/x-amz-json-1.0"),
        };
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "DynamoDBStreams_20120810.ListStreams");

        using var unsigned = await http.SendAsync(request);
        var signed = await fixture.Streams.ListStreamsAsync(new ListStreamsRequest());

        Assert.False(unsigned.IsSuccessStatusCode);
        Assert.NotEmpty(signed.Streams);
    }
}
