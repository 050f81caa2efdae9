using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using Amazon;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Telemetry;
using Amazon.Runtime.Telemetry.Tracing;
using AwsTracerProvider = Amazon.Runtime.Telemetry.Tracing.TracerProvider;
using TracerProviderBuilder = OpenTelemetry.Trace.TracerProviderBuilder;

namespace Cumin.ServiceDefaults;

/// <summary>
/// The AWS SDK's calls as spans named by service and operation (<c>DynamoDB.PutItem</c>, <c>SQS.SendMessage</c>,
/// <c>S3.PutObject</c>), with the SDK's own <c>rpc.system</c> <c>aws-api</c>, <c>rpc.service</c> and <c>rpc.method</c>,
/// and the DynamoDB tables, the SQS queue and the S3 bucket and key each call names. AWSSDK.Core 4 reports every
/// operation to <see cref="AWSConfigs.TelemetryProvider"/>, whose default tracer does nothing: this registers one that
/// starts an <see cref="Activity"/> per span on a source per service (<c>AWSSDK.DynamoDB</c>, …), so the HttpClient
/// span of the call is its child. It is our own take on what OpenTelemetry.Instrumentation.AWS does for SDK v4, which
/// this project's feed does not serve.
/// </summary>
public static class AwsSdkTracing
{
    /// <summary>The SDK names each service's tracer scope <c>AWSSDK.{service id}</c>.</summary>
    public const string Sources = TelemetryConstants.TelemetryScopePrefix + ".*";

    private static int _installed;

    /// <summary>Listens to the SDK's spans, after making the SDK report them (<see cref="Install"/>).</summary>
    public static TracerProviderBuilder AddAwsSdkInstrumentation(this TracerProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        Install();
        return builder.AddSource(Sources);
    }

    /// <summary>
    /// Makes the SDK report its spans as activities, once per process. Call it before the first AWS client is built:
    /// the SDK fixes a client's pipeline (the handler that adds the table, queue and bucket) when the client is built.
    /// Cheap while nothing listens: a source without a listener starts no activity.
    /// </summary>
    public static void Install()
    {
        if (Interlocked.Exchange(ref _installed, 1) == 0)
        {
            AWSConfigs.TelemetryProvider.RegisterTracerProvider(new ActivityTracerProvider());
            RuntimePipelineCustomizerRegistry.Instance.Register(new RequestTagsCustomizer());
        }
    }

    private sealed class ActivityTracerProvider : AwsTracerProvider
    {
        private readonly ConcurrentDictionary<string, ActivityTracer> _tracers = new();

        public override Tracer GetTracer(string scope) => _tracers.GetOrAdd(scope, static name => new ActivityTracer(new ActivitySource(name)));
    }

    private sealed class ActivityTracer(ActivitySource source) : Tracer
    {
        private static readonly ActivitySpan Unrecorded = new(null);

        public override TraceSpan CreateSpan(string name, Attributes? initialAttributes = null, SpanKind spanKind = SpanKind.INTERNAL, SpanContext? parentContext = null)
        {
            // Only the operation's span: the SDK's internal ones inside it are each HTTP attempt, which HttpClient's own
            // span already shows (as every other HTTP call's, so it becomes the operation's child), and the credentials
            // lookup, a cache read of microseconds on every call; recorded, they would triple every AWS call in a trace.
            if (spanKind != SpanKind.CLIENT)
            {
                return Unrecorded;
            }

            // The SDK passes no parent of its own: the span continues Activity.Current, the caller's span.
            var parent = parentContext is { IsValid: true }
                ? new ActivityContext(ActivityTraceId.CreateFromString(parentContext.TraceId), ActivitySpanId.CreateFromString(parentContext.SpanId), ActivityTraceFlags.Recorded, isRemote: parentContext.IsRemote)
                : default;
            var tags = initialAttributes?.AllAttributes.Select(tag => KeyValuePair.Create(tag.Key, (object?)tag.Value));
            return new ActivitySpan(source.StartActivity(name, ActivityKind.Client, parent, tags));
        }
    }

    private sealed class ActivitySpan : TraceSpan
    {
        private readonly Activity? _activity;

        public ActivitySpan(Activity? activity)
        {
            _activity = activity;
            Name = activity?.DisplayName;
        }

        private Activity? Recorded => _activity is { IsAllDataRequested: true } ? _activity : null;

        public override void EmitEvent(string name, Attributes? attributes = null) =>
            Recorded?.AddEvent(new ActivityEvent(name, tags: attributes is null ? null : new ActivityTagsCollection(attributes.AllAttributes!)));

        public override void SetAttribute(string key, object value) => Recorded?.SetTag(key, value);

        public override void SetStatus(SpanStatus status) => Recorded?.SetStatus(status switch
        {
            SpanStatus.OK => ActivityStatusCode.Ok,
            SpanStatus.ERROR => ActivityStatusCode.Error,
            _ => ActivityStatusCode.Unset,
        });

        public override void RecordException(Exception exception, Attributes? attributes = null)
        {
            Recorded?.AddException(exception, attributes is null ? default : new TagList([.. attributes.AllAttributes!]));
            Recorded?.SetStatus(ActivityStatusCode.Error, exception.Message);
        }

        public override void End() => _activity?.Stop();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _activity?.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>What the request object names, on the SDK's span around it (before marshalling, while it is current).</summary>
    private sealed class RequestTagsCustomizer : IRuntimePipelineCustomizer
    {
        public string UniqueName => "Cumin AWS SDK span tags";

        public void Customize(Type type, RuntimePipeline pipeline)
        {
            if (typeof(AmazonServiceClient).IsAssignableFrom(type))
            {
                pipeline.AddHandlerBefore<Marshaller>(new RequestTagsHandler());
            }
        }
    }

    private sealed class RequestTagsHandler : PipelineHandler
    {
        public override Task<T> InvokeAsync<T>(IExecutionContext executionContext)
        {
            Tag(executionContext.RequestContext);
            return base.InvokeAsync<T>(executionContext);
        }

        private static void Tag(IRequestContext context)
        {
            if (Activity.Current is not { IsAllDataRequested: true } span
                || !span.Source.Name.StartsWith(TelemetryConstants.TelemetryScopePrefix + ".", StringComparison.Ordinal))
            {
                return;
            }

            var request = context.OriginalRequest;
            switch (context.ServiceMetaData.ServiceId)
            {
                case "DynamoDB":
                    span.SetTag("db.system.name", "aws.dynamodb");
                    if (TableNames(request) is { Length: > 0 } tables)
                    {
                        span.SetTag("aws.dynamodb.table_names", tables);
                    }

                    break;
                case "SQS" when Text(request, "QueueUrl") is { } queueUrl:
                    span.SetTag("messaging.system", "aws_sqs");
                    span.SetTag("aws.sqs.queue.url", queueUrl);
                    span.SetTag("messaging.destination.name", queueUrl[(queueUrl.TrimEnd('/').LastIndexOf('/') + 1)..].TrimEnd('/'));
                    break;
                case "S3":
                    span.SetTag("aws.s3.bucket", Text(request, "BucketName"));
                    span.SetTag("aws.s3.key", Text(request, "Key"));
                    break;
            }
        }

        private static string[]? TableNames(AmazonWebServiceRequest request) => request switch
        {
            BatchWriteItemRequest batch => [.. batch.RequestItems.Keys],
            BatchGetItemRequest batch => [.. batch.RequestItems.Keys],
            TransactWriteItemsRequest transaction => [.. transaction.TransactItems
                .Select(item => item.Put?.TableName ?? item.Update?.TableName ?? item.Delete?.TableName ?? item.ConditionCheck?.TableName)
                .OfType<string>().Distinct()],
            TransactGetItemsRequest transaction => [.. transaction.TransactItems.Select(item => item.Get?.TableName).OfType<string>().Distinct()],
            _ => Text(request, "TableName") is { } table ? [table] : null,
        };

        private static readonly ConcurrentDictionary<(Type Type, string Name), PropertyInfo?> Properties = new();

        // Most requests name their table, queue or bucket in a string property of that name: one cached lookup per
        // request type rather than a case per request type of three SDK packages.
        private static string? Text(AmazonWebServiceRequest request, string name) =>
            Properties.GetOrAdd((request.GetType(), name), static key => key.Type.GetProperty(key.Name, typeof(string)))?.GetValue(request) as string;
    }
}
