using Orleans.Runtime;

namespace Cumin.Orleans.Sqs;

/// <summary>
/// What a consumer can learn about the SQS message behind the event it is handling. SQS delivers at least once, and a
/// producer may send the same content twice, so consumers must be idempotent: deduplicate by a business id carried in
/// the event (an export id) where there is one, else by <see cref="MessageId"/> (stable across redeliveries of one
/// message, different for a message sent twice). <see cref="ReceiveCount"/> above 1 means SQS delivered it before.
/// </summary>
/// <remarks>Read these inside the consumer's <c>OnNextAsync</c>: the pulling agent sets them in the Orleans
/// <see cref="RequestContext"/> of the delivery call.</remarks>
public static class SqsRequestContext
{
    /// <summary>RequestContext key of the SQS message id (string).</summary>
    public const string MessageIdKey = "sqs-message-id";

    /// <summary>RequestContext key of the SQS <c>ApproximateReceiveCount</c> (int, 1 on first delivery).</summary>
    public const string ReceiveCountKey = "sqs-receive-count";

    /// <summary>The SQS message id of the event being handled, or <see langword="null"/> outside an SQS delivery.</summary>
    public static string? MessageId => RequestContext.Get(MessageIdKey) as string;

    /// <summary>How many times SQS has handed out the message being handled, or <see langword="null"/> outside an SQS delivery.</summary>
    public static int? ReceiveCount => RequestContext.Get(ReceiveCountKey) as int?;
}
