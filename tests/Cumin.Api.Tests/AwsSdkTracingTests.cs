using System.Collections.ObjectModel;
using System.Diagnostics;
using Amazon.DynamoDBv2.Model;
using Amazon.S3.Model;
using Amazon.SQS.Model;
using Cumin.ServiceDefaults;
using Cumin.Testing;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Cumin.Api.Tests;

/// <summary>
/// The AWS SDK's calls to the real DynamoDB Local and fauxqs are spans named by service and operation, with the
/// OpenTelemetry attributes of AWS calls, each the parent of its HTTP attempt; under Cumin's sampler, calls made with
/// no span around them (background polls) are not recorded. Each test's calls run inside a span of its own, and only
/// spans of that trace are looked at: other tests in this process make AWS calls too.
/// </summary>
public sealed class AwsSdkTracingTests : IDisposable
{
    private static readonly ActivitySource Test = new("Cumin.Tests.AwsSdkTracing");

    private readonly Spans _spans = new();
    private readonly TracerProvider _tracing;

    public AwsSdkTracingTests()
    {
        // What AddCuminTelemetry and FunctionTelemetry set up for the SDK, with the spans kept in memory.
        _tracing = Sdk.CreateTracerProviderBuilder()
            .SetSampler(BackgroundPollingSampler.Instance)
            .AddSource(Test.Name)
            .AddHttpClientInstrumentation()
            .AddAwsSdkInstrumentation()
            .AddInMemoryExporter(_spans)
            .Build()!;
    }

    public void Dispose() => _tracing.Dispose();

    [Fact]
    public async Task DynamoDB_calls_are_named_by_operation_with_their_table_and_parent_their_http_attempt()
    {
        // Clients are built after the instrumentation is installed, as every host builds them.
        using var dynamo = LocalStack.DynamoDb();
        var table = await CreateItemsTableAsync(dynamo, "awsspans");
        var key = new Dictionary<string, AttributeValue> { ["pk"] = new AttributeValue { S = "one" } };

        ActivityTraceId trace;
        using (var test = Test.StartActivity("test")!)
        {
            trace = test.TraceId;
            await dynamo.PutItemAsync(new PutItemRequest { TableName = table, Item = key });
            var read = await dynamo.GetItemAsync(new GetItemRequest { TableName = table, Key = key });
            Assert.True(read.IsItemSet);
        }

        var inTrace = _spans.InTrace(trace);
        var put = AwsCall(inTrace, "DynamoDB", "PutItem");
        var get = AwsCall(inTrace, "DynamoDB", "GetItem");
        foreach (var call in (Activity[])[put, get])
        {
            Assert.Equal("AWSSDK.DynamoDB", call.Source.Name);
            Assert.Equal([table], Assert.IsType<string[]>(call.GetTagItem("aws.dynamodb.table_names")));
            Assert.Equal("aws.dynamodb", call.GetTagItem("db.system.name"));
            // One HTTP span per call, directly under the SDK's span: no second span of the same attempt.
            var http = Assert.Single(inTrace, s => s.ParentSpanId == call.SpanId);
            Assert.Equal("System.Net.Http", http.Source.Name);
            Assert.Equal(ActivityKind.Client, http.Kind);
            Assert.Equal("POST", http.GetTagItem("http.request.method"));
        }
    }

    [Fact]
    public async Task SQS_and_S3_calls_are_named_by_operation_with_their_queue_and_bucket()
    {
        using var sqs = LocalStack.Sqs();
        using var s3 = LocalStack.S3();
        var prefix = LocalStack.UniquePrefix("awsspans");
        var queueUrl = (await sqs.CreateQueueAsync(prefix + "queue")).QueueUrl;
        var bucket = prefix + "bucket";
        await s3.PutBucketAsync(bucket);

        ActivityTraceId trace;
        using (var test = Test.StartActivity("test")!)
        {
            trace = test.TraceId;
            await sqs.SendMessageAsync(new SendMessageRequest { QueueUrl = queueUrl, MessageBody = "traced" });
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "traced.csv", ContentBody = "a,b" });
        }

        var inTrace = _spans.InTrace(trace);
        var send = AwsCall(inTrace, "SQS", "SendMessage");
        Assert.Equal(queueUrl, send.GetTagItem("aws.sqs.queue.url"));
        Assert.Equal(prefix + "queue", send.GetTagItem("messaging.destination.name"));
        Assert.Equal("aws_sqs", send.GetTagItem("messaging.system"));
        var put = AwsCall(inTrace, "S3", "PutObject");
        Assert.Equal(bucket, put.GetTagItem("aws.s3.bucket"));
        Assert.Equal("traced.csv", put.GetTagItem("aws.s3.key"));
        Assert.Contains(inTrace, s => s.ParentSpanId == put.SpanId && s.Source.Name == "System.Net.Http");
    }

    [Fact]
    public async Task A_call_with_no_span_around_it_is_not_recorded()
    {
        using var dynamo = LocalStack.DynamoDb();
        var table = await CreateItemsTableAsync(dynamo, "awspoll");
        var key = new Dictionary<string, AttributeValue> { ["pk"] = new AttributeValue { S = "polled" } };
        Assert.Null(Activity.Current);

        await dynamo.GetItemAsync(new GetItemRequest { TableName = table, Key = key });
        // The same call inside a span is recorded (spans are exported as they end, so the first is done by now).
        using (Test.StartActivity("test"))
        {
            await dynamo.GetItemAsync(new GetItemRequest { TableName = table, Key = key });
        }

        var ofTable = _spans.All().Where(s => s.GetTagItem("aws.dynamodb.table_names") is string[] tables && tables.Contains(table)).ToList();
        var recorded = Assert.Single(ofTable, s => s.DisplayName == "DynamoDB.GetItem");
        Assert.Equal(Test.Name, _spans.All().Single(s => s.SpanId == recorded.ParentSpanId).Source.Name);
    }

    /// <summary>A table of this test's own, keyed by a string <c>pk</c>; made before the test's span, so not in its trace.</summary>
    private static async Task<string> CreateItemsTableAsync(Amazon.DynamoDBv2.AmazonDynamoDBClient dynamo, string purpose)
    {
        var table = LocalStack.UniquePrefix(purpose) + "items";
        await dynamo.CreateTableAsync(new CreateTableRequest
        {
            TableName = table,
            AttributeDefinitions = [new AttributeDefinition("pk", "S")],
            KeySchema = [new KeySchemaElement("pk", "HASH")],
            BillingMode = "PAY_PER_REQUEST",
        });
        return table;
    }

    private static Activity AwsCall(IReadOnlyList<Activity> spans, string service, string operation)
    {
        var call = Assert.Single(spans, s => s.DisplayName == $"{service}.{operation}");
        Assert.Equal(ActivityKind.Client, call.Kind);
        Assert.Equal("aws-api", call.GetTagItem("rpc.system"));
        Assert.Equal(service, call.GetTagItem("rpc.service"));
        Assert.Equal(operation, call.GetTagItem("rpc.method"));
        return call;
    }

    /// <summary>The exporter adds from the threads that end spans.</summary>
    private sealed class Spans : Collection<Activity>
    {
        public List<Activity> All()
        {
            lock (this)
            {
                return [.. this];
            }
        }

        public List<Activity> InTrace(ActivityTraceId trace) => [.. All().Where(s => s.TraceId == trace)];

        protected override void InsertItem(int index, Activity item)
        {
            lock (this)
            {
                base.InsertItem(index, item);
            }
        }
    }
}
