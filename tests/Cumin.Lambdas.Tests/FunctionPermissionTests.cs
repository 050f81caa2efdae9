using System.Collections.Concurrent;
using System.Reflection;
using System.Text.RegularExpressions;
using Amazon.DynamoDBv2;
using Amazon.S3;
using Amazon.SQS;
using Cumin.Cluster.Tests.TestSupport;
using Cumin.Lambdas.Export;
using Cumin.Lambdas.Hosting;
using Cumin.Lambdas.Streams;
using Cumin.Lambdas.Tests.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using YamlDotNet.RepresentationModel;

namespace Cumin.Lambdas.Tests;

/// <summary>
/// Issue 12, finding 17: every AWS call each function can make is granted by its role in deploy/cumin.yaml. The calls
/// are read from the compiled code (everything reachable from the handler and the constructor the Lambda runtime
/// uses), so a call added without its IAM action fails here; the resources each call touches are recorded on a real
/// export against the local stack and must be the ones the role grants that action on.
/// </summary>
public sealed partial class FunctionPermissionTests(ExporterFixture fixture) : IClassFixture<ExporterFixture>
{
    private static readonly YamlMappingNode Template = Yaml.Load(Repository.PathOf("deploy", "cumin.yaml"));

    /// <summary>Calls made only when the function creates what is missing, which the template turns off.</summary>
    private static readonly Dictionary<string, (string Variable, string Value)> LocalOnly = new(StringComparer.Ordinal)
    {
        ["s3:CreateBucket"] = ("Cumin__Exports__CreateMissing", "false"),
        ["sqs:CreateQueue"] = ("Cumin__Exports__CreateMissing", "false"),
    };

    /// <summary>The webhook functions' switch for the same local-only call.</summary>
    private static readonly Dictionary<string, (string Variable, string Value)> WebhookLocalOnly = new(StringComparer.Ordinal)
    {
        ["sqs:CreateQueue"] = ("Cumin__Webhooks__CreateQueue", "false"),
    };

    public static TheoryData<string> Functions => ["AggregatorFunction", "ExporterFunction", "WebhookEventsFunction", "WebhookDelivererFunction"];

    [Theory]
    [MemberData(nameof(Functions))]
    public void Every_aws_call_a_function_can_make_is_an_action_its_role_grants(string function)
    {
        var properties = Resource(function);
        var (type, handler) = Handler(properties.Get("Handler").Scalar()!);
        var calls = AwsCalls.ReachableFrom(handler, type.GetConstructor(Type.EmptyTypes)!);
        var granted = Statements(RoleOf(properties)).SelectMany(s => s.Actions).ToHashSet(StringComparer.Ordinal);
        var environment = properties.Get("Environment").Get("Variables").Entries().ToDictionary(e => e.Key, e => e.Value.Scalar());

        var missing = calls.Select(ActionOf).Where(action => action is not null && !granted.Contains(action))
            .Where(action => !(LocalOnly.TryGetValue(action!, out var off) && environment.GetValueOrDefault(off.Variable) == off.Value))
            .Where(action => !(WebhookLocalOnly.TryGetValue(action!, out var off) && environment.GetValueOrDefault(off.Variable) == off.Value))
            .ToList();
        Assert.Empty(missing);

        // A call declared with the environment variable of its resource must be granted on that very resource.
        var statements = Statements(RoleOf(properties));
        foreach (var declared in calls.Where(c => c.StartsWith(AwsCalls.AwsActionPrefix, StringComparison.Ordinal)))
        {
            var (action, variable) = (declared[AwsCalls.AwsActionPrefix.Length..].Split('|')[0], declared.Split('|')[1]);
            var resource = properties.Get("Environment").Get("Variables").Get(variable);
            Assert.True(resource is not null, $"{function} calls {action} on {variable}, which its environment does not set");
            Assert.Contains(statements, s => s.Actions.Contains(action) && s.Resources.Any(r => r.Matches(resource.Scalar()!, null)));
        }

        if (function == "AggregatorFunction")
        {
            Assert.Contains(calls, c => c.StartsWith(AwsCalls.AwsActionPrefix + "secretsmanager:GetSecretValue", StringComparison.Ordinal));
        }

        if (function == "ExporterFunction")
        {
            // The scan does see the calls (the exporter's path is long: claim, check, query, upload, presign, finish, send).
            Assert.Superset(new HashSet<string> { "IAmazonDynamoDB.GetItemAsync", "IAmazonDynamoDB.QueryAsync", "IAmazonS3.UploadPartAsync", "IAmazonSQS.SendMessageAsync" }, calls.ToHashSet());
        }
    }

    [Fact]
    public async Task A_real_export_touches_only_resources_the_exporters_role_grants_each_action_on()
    {
        var calls = new ConcurrentQueue<RecordedCall>();
        var settings = new Dictionary<string, string?>
        {
            ["Cumin:Tables:Prefix"] = fixture.Prefix,
            ["Cumin:Exports:Bucket"] = fixture.Bucket,
            ["Cumin:Notifications:QueueName"] = fixture.QueueName,
        };
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton(RecordingClient<IAmazonDynamoDB>.Wrap(fixture.DynamoDb, calls));
        services.AddSingleton(RecordingClient<IAmazonS3>.Wrap(fixture.S3, calls));
        services.AddSingleton(RecordingClient<IAmazonSQS>.Wrap(fixture.Sqs, calls));
        services.AddExporter(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        await using var provider = services.BuildServiceProvider();
        var exporter = provider.GetRequiredService<ExporterFunction>();

        var userId = Guid.NewGuid().ToString("N");
        var projectId = Guid.NewGuid().ToString("N");
        await Tables.PutProjectAsync(fixture.DynamoDb, fixture.Prefix, projectId, userId);
        await ExportTables.PutTasksAsync(fixture.DynamoDb, fixture.Prefix, [ExportTables.Task(projectId, "T0001", "One", null, "todo", "low", DateTimeOffset.UtcNow)]);
        var job = ExportTables.PendingJob(userId, Guid.NewGuid().ToString("N"), projectId);
        await ExportTables.PutAsync(fixture.DynamoDb, fixture.JobsTable, job);
        await exporter.InvokeAsync(
            StreamEvents.Payload(ExportTables.JobRecord(fixture.Prefix, StreamEventNames.Insert, job, Guid.NewGuid().ToString("N"), 9_000_001)),
            CancellationToken.None);
        Assert.Equal("done", (await ExportTables.GetJobAsync(fixture.DynamoDb, fixture.Prefix, userId, job["sk"].S))["status"].S);

        var exporterProperties = Resource("ExporterFunction");
        var statements = Statements(RoleOf(exporterProperties));
        var environment = exporterProperties.Get("Environment").Get("Variables").Entries().ToDictionary(e => e.Key, e => e.Value);
        var refused = new List<string>();
        var checkedCalls = 0;
        foreach (var call in calls)
        {
            if (ActionOf($"{call.Client}.{call.Method}") is not { } action || LocalOnly.ContainsKey(action))
            {
                continue;
            }

            var (resource, path) = ResourceOf(call.Request, environment);
            checkedCalls++;
            if (!statements.Any(s => s.Actions.Contains(action) && s.Resources.Any(r => r.Matches(resource, path))))
            {
                refused.Add($"{action} on {resource}{(path is null ? "" : "/" + path)}");
            }
        }

        Assert.True(checkedCalls >= 8, $"only {checkedCalls} calls recorded");
        Assert.Empty(refused.Distinct());
    }

    [Fact]
    public void Each_functions_role_reads_the_streams_its_mappings_feed_it()
    {
        var streamActions = new[] { "dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams" };
        var queueActions = new[] { "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes" };
        foreach (var (_, mapping) in Template.Get("Resources").Entries().Where(r => r.Value.Get("Type").Scalar() == "AWS::Lambda::EventSourceMapping"))
        {
            var properties = mapping.Get("Properties")!;
            var source = properties.Get("EventSourceArn").Scalar()!;
            var statements = Statements(RoleOf(Resource(properties.Get("FunctionName").Scalar()!)));
            if (source.EndsWith(".StreamArn", StringComparison.Ordinal))
            {
                var table = source.Split('.')[0];
                Assert.All(streamActions, action => Assert.Contains(statements, s => s.Actions.Contains(action) && s.Resources.Any(r => r.Matches(table, "stream/x"))));
            }
            else
            {
                // An SQS mapping: Lambda receives, deletes and reads the queue's attributes with the function's role.
                var queue = source.Split('.')[0];
                Assert.All(queueActions, action => Assert.Contains(statements, s => s.Actions.Contains(action) && s.Resources.Any(r => r.Matches(queue, null))));
            }
        }
    }

    /// <summary>The IAM action of an SDK client method; null for what is no request (properties, Dispose).</summary>
    private static string? ActionOf(string call)
    {
        if (call.StartsWith(AwsCalls.AwsActionPrefix, StringComparison.Ordinal))
        {
            return call[AwsCalls.AwsActionPrefix.Length..].Split('|')[0];
        }

        var (client, method) = (call[..call.IndexOf('.', StringComparison.Ordinal)], call[(call.IndexOf('.', StringComparison.Ordinal) + 1)..]);
        if (method.StartsWith("get_", StringComparison.Ordinal) || method.StartsWith("set_", StringComparison.Ordinal) || method is ".ctor" or "Dispose")
        {
            return null;
        }

        var operation = method.EndsWith("Async", StringComparison.Ordinal) ? method[..^5] : method;
        return client switch
        {
            _ when client.Contains("DynamoDB", StringComparison.Ordinal) => "dynamodb:" + operation,
            // A batch call is its single action in IAM.
            _ when client.Contains("SQS", StringComparison.Ordinal) => "sqs:" + (operation.EndsWith("Batch", StringComparison.Ordinal) ? operation[..^5] : operation),
            _ when client.Contains("S3", StringComparison.Ordinal) => operation switch
            {
                "InitiateMultipartUpload" or "UploadPart" or "CompleteMultipartUpload" or "PutObject" => "s3:PutObject",
                "AbortMultipartUpload" => "s3:AbortMultipartUpload",
                // A presigned GET works only while its signer may GetObject.
                "GetPreSignedURL" or "GetObject" => "s3:GetObject",
                "PutBucket" => "s3:CreateBucket",
                _ => throw new InvalidOperationException($"{call}: give its IAM action in {nameof(FunctionPermissionTests)}.{nameof(ActionOf)}"),
            },
            _ => throw new InvalidOperationException($"{call}: a client this test does not know; give its IAM actions in {nameof(ActionOf)}"),
        };
    }

    /// <summary>The template resource a request addresses (by the names the function is configured with), and the object path in it.</summary>
    private (string Resource, string? Path) ResourceOf(object? request, Dictionary<string, YamlNode> environment)
    {
        string? Property(string name) => request?.GetType().GetProperty(name)?.GetValue(request) as string;
        if (Property("TableName") is { } table)
        {
            var name = table[fixture.Prefix.Length..];
            return (Template.Get("Resources").Entries().Single(r => r.Value.Get("Properties").Get("TableName").Scalar() == "${TablePrefix}" + name).Key, null);
        }

        if (Property("BucketName") is { } bucket)
        {
            Assert.Equal(fixture.Bucket, bucket);
            return (environment["Cumin__Exports__Bucket"].Scalar()!, Property("Key"));
        }

        if (Property("QueueUrl") is { } || Property("QueueName") is { })
        {
            return (environment["Cumin__Notifications__QueueName"].Scalar()!.Split('.')[0], null);
        }

        throw new InvalidOperationException($"{request?.GetType().Name}: no resource this test knows how to read");
    }

    private static YamlNode Resource(string logicalId) => Template.Get("Resources").Get(logicalId).Get("Properties")!;

    private static string RoleOf(YamlNode function) => function.Get("Role").Scalar()!.Split('.')[0];

    private static (Type Type, MethodInfo Method) Handler(string handler)
    {
        var parts = handler.Split("::");
        var type = typeof(ExporterFunction).Assembly.GetType(parts[1], throwOnError: true)!;
        return (type, type.GetMethod(parts[2], [typeof(Stream)])!);
    }

    private static List<Statement> Statements(string role) =>
        [.. Resource(role).Get("Policies").Items().SelectMany(p => p.Get("PolicyDocument").Get("Statement").Items()).Select(s => new Statement(
            new HashSet<string>(s.Get("Action") is YamlSequenceNode actions ? actions.Children.Select(a => a.Scalar()!) : [s.Get("Action").Scalar()!], StringComparer.Ordinal),
            [.. (s.Get("Resource") is YamlSequenceNode resources ? resources.Children : [s.Get("Resource")!]).Select(ResourcePattern.Of)]))];

    private sealed record Statement(HashSet<string> Actions, List<ResourcePattern> Resources);

    /// <summary>A statement's resource: a template resource's ARN, optionally with a path pattern (<c>${X.Arn}/exports/*</c>).</summary>
    private sealed partial record ResourcePattern(string Resource, string? Path)
    {
        public static ResourcePattern Of(YamlNode node)
        {
            var text = node.Scalar()!;
            if (node.Tag.Value is "!GetAtt" or "!Ref")
            {
                return new ResourcePattern(text.Split('.')[0], null);
            }

            var match = SubArn().Match(text);
            return match.Success ? new ResourcePattern(match.Groups["resource"].Value, match.Groups["path"].Value) : new ResourcePattern(text, null);
        }

        public bool Matches(string resource, string? path) =>
            Resource == resource && (Path is null ? path is null : path is not null && Regex.IsMatch(path, "^" + Regex.Escape(Path).Replace("\\*", ".*", StringComparison.Ordinal) + "$"));

        [GeneratedRegex(@"^\$\{(?<resource>[A-Za-z0-9]+)\.Arn\}/(?<path>.+)$")]
        private static partial Regex SubArn();
    }
}
