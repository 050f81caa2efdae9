using System.Diagnostics;

namespace Cumin.ServiceDefaults;

/// <summary>
/// The AWS SDK calls as spans: the SDK sends them through HttpClient, whose spans say only "POST"; the target header
/// names the service and operation (DynamoDB, DynamoDB Streams and SQS speak AWS JSON), and S3's host or path names it.
/// Stands in for OpenTelemetry.Instrumentation.AWS, which this project's package feed does not serve.
/// </summary>
internal static class AwsCallNames
{
    public static void Enrich(Activity activity, HttpRequestMessage request)
    {
        if (request.Headers.TryGetValues("X-Amz-Target", out var targets) && targets.FirstOrDefault() is { } target)
        {
            // DynamoDB_20120810.PutItem, DynamoDBStreams_20120810.GetRecords, AmazonSQS.SendMessage
            var dot = target.IndexOf('.', StringComparison.Ordinal);
            var service = dot > 0 ? target[..dot] : target;
            var underscore = service.IndexOf('_', StringComparison.Ordinal);
            service = underscore > 0 ? service[..underscore] : service;
            service = service == "AmazonSQS" ? "SQS" : service;
            var operation = dot > 0 ? target[(dot + 1)..] : "";
            Name(activity, service, operation);
        }
        else if (request.Headers.Contains("X-Amz-Content-SHA256") && request.Method is { } method)
        {
            Name(activity, "S3", method.Method);
        }
    }

    private static void Name(Activity activity, string service, string operation)
    {
        activity.DisplayName = $"{service}.{operation}";
        activity.SetTag("rpc.system", "aws-api");
        activity.SetTag("rpc.service", service);
        activity.SetTag("rpc.method", operation);
    }
}
