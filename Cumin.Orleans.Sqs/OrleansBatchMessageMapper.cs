using Amazon.SQS.Model;
using Orleans;
using Orleans.Runtime;
using Orleans.Serialization;

namespace Cumin.Orleans.Sqs;

/// <summary>
/// Messages the provider enqueues for Orleans producers (<c>IAsyncStream.OnNextAsync</c>): the body is the
/// Orleans-serialized batch in base64 (SQS bodies are text), and the <see cref="MarkerAttribute"/> message attribute
/// tells them apart from plain JSON written by other producers.
/// </summary>
internal sealed class OrleansBatchMessageMapper(Serializer serializer) : ISqsMessageMapper
{
    /// <summary>Message attribute marking an Orleans batch; its value is the encoding version.</summary>
    public const string MarkerAttribute = "orleans-batch";

    private const string Version = "1";

    public string Encode(StreamId streamId, List<object> events, Dictionary<string, object>? requestContext) =>
        Convert.ToBase64String(serializer.SerializeToArray(new OrleansBatch(streamId, events, requestContext)));

    public static Dictionary<string, MessageAttributeValue> Attributes() => new(StringComparer.Ordinal)
    {
        [MarkerAttribute] = new MessageAttributeValue { DataType = "String", StringValue = Version },
    };

    public SqsStreamMessage? Map(Message message)
    {
        if (message.MessageAttributes is null || !message.MessageAttributes.TryGetValue(MarkerAttribute, out var marker))
        {
            return null;
        }

        if (marker.StringValue != Version)
        {
            throw new FormatException($"Unknown Orleans batch encoding '{marker.StringValue}'.");
        }

        var batch = serializer.Deserialize<OrleansBatch>(Convert.FromBase64String(message.Body ?? string.Empty))
            ?? throw new FormatException("The Orleans batch is empty.");
        return new SqsStreamMessage(batch.StreamId, batch.Events, batch.RequestContext);
    }
}

[GenerateSerializer]
[Alias("cumin.sqs.orleans-batch")]
internal sealed record OrleansBatch(
    [property: Id(0)] StreamId StreamId,
    [property: Id(1)] List<object> Events,
    [property: Id(2)] Dictionary<string, object>? RequestContext);
