using System.Globalization;
using Amazon.SQS.Model;
using Microsoft.Extensions.Logging;
using Orleans.Providers.Streams.Common;

namespace Cumin.Orleans.Sqs;

/// <summary>
/// A provider's mappers in the order they are asked (its own Orleans batches first): turns a received message into the
/// batch the pulling agent delivers, or finds it unreadable and says why.
/// </summary>
internal sealed class SqsMessageMappers(IReadOnlyList<ISqsMessageMapper> mappers, ILogger<SqsMessageMappers> logger)
{
    private const int ExcerptLength = 200;

    /// <summary>The batch of <paramref name="message"/>, numbered <paramref name="sequence"/>; <see langword="null"/> when unreadable (logged).</summary>
    public SqsBatchContainer? TryMap(Message message, long sequence, string queueName)
    {
        try
        {
            foreach (var mapper in mappers)
            {
                if (mapper.Map(message) is { } mapped)
                {
                    return new SqsBatchContainer(
                        mapped.StreamId,
                        [.. mapped.Events],
                        mapped.RequestContext is null ? null : new Dictionary<string, object>(mapped.RequestContext, StringComparer.Ordinal),
                        new EventSequenceTokenV2(sequence),
                        message.MessageId,
                        ReceiveCount(message));
                }
            }

            logger.LogNoMapper(message.MessageId, queueName, Excerpt(message.Body));
        }
#pragma warning disable CA1031 // A mapper may throw anything on a bad body; whatever it is, the message is unreadable.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            logger.LogUnreadable(message.MessageId, queueName, Excerpt(message.Body), exception);
        }

        return null;
    }

    private static int ReceiveCount(Message message) =>
        message.Attributes is not null
        && message.Attributes.TryGetValue("ApproximateReceiveCount", out var text)
        && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var count)
            ? count
            : 1;

    private static string Excerpt(string? body) =>
        body is null ? "(null)" : body.Length <= ExcerptLength ? body : string.Concat(body.AsSpan(0, ExcerptLength), "…");
}
