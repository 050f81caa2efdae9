using Amazon.SQS.Model;
using Orleans.Runtime;

namespace Cumin.Orleans.Sqs;

/// <summary>
/// Turns a message read from SQS into the stream it belongs to and the events it carries. A provider asks its mappers
/// in the order they were added; the first one that recognises the message wins. Messages the provider itself enqueued
/// (Orleans producers) are recognised before any of them.
/// </summary>
/// <remarks>
/// Implementations must be thread-safe and should be fast: they run on the pulling agent's turn.
/// </remarks>
public interface ISqsMessageMapper
{
    /// <summary>
    /// Maps a received message.
    /// </summary>
    /// <param name="message">The message as SQS delivered it: <see cref="Message.Body"/>, <see cref="Message.MessageAttributes"/>
    /// (all of them are requested) and system attributes such as <c>ApproximateReceiveCount</c>.</param>
    /// <returns>The stream and its events, or <see langword="null"/> when this mapper does not handle this kind of message.</returns>
    /// <exception cref="Exception">Any exception marks the message unreadable (a poison message): it is logged and,
    /// depending on <see cref="SqsStreamOptions.DeleteUnreadableMessages"/>, deleted or left for the dead-letter queue.</exception>
    SqsStreamMessage? Map(Message message);
}

/// <summary>What a <see cref="ISqsMessageMapper"/> read from one SQS message.</summary>
/// <param name="StreamId">The stream the events go to (for implicit subscriptions: namespace and grain key).</param>
/// <param name="Events">The events, in order; each must be serializable by Orleans when consumers live on other silos.</param>
/// <param name="RequestContext">Optional values put into the consumer's <c>RequestContext</c> while it handles the events.</param>
public sealed record SqsStreamMessage(
    StreamId StreamId,
    IReadOnlyList<object> Events,
    IReadOnlyDictionary<string, object>? RequestContext = null);
