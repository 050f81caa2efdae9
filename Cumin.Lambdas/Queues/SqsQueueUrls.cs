using Amazon.SQS;
using Amazon.SQS.Model;

namespace Cumin.Lambdas.Queues;

/// <summary>
/// How every function (and the local runner) finds a queue it writes or reads: by name, looked up once by the caller.
/// Two methods rather than a flag on one: a function's IAM role is checked against the calls its code can reach
/// (FunctionPermissionTests), so a function that never creates a queue must not reach <c>CreateQueue</c> at all.
/// </summary>
public static class SqsQueueUrls
{
    /// <summary>The URL of queue <paramref name="queueName"/>; <see cref="QueueDoesNotExistException"/> when there is none.</summary>
    public static async Task<string> LookUpQueueUrlAsync(this IAmazonSQS sqs, string queueName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sqs);
        return (await sqs.GetQueueUrlAsync(new GetQueueUrlRequest { QueueName = queueName }, cancellationToken)).QueueUrl;
    }

    /// <summary>
    /// As <see cref="LookUpQueueUrlAsync"/>, but a missing queue is created when <paramref name="createMissing"/> says it
    /// may be made here (locally, where a function can run before whatever creates the queue); in AWS the template makes
    /// every queue, and the caller gets <see cref="QueueDoesNotExistException"/>.
    /// </summary>
    public static async Task<string> LookUpOrCreateQueueUrlAsync(
        this IAmazonSQS sqs, string queueName, bool createMissing, CancellationToken cancellationToken)
    {
        try
        {
            return await sqs.LookUpQueueUrlAsync(queueName, cancellationToken);
        }
        catch (QueueDoesNotExistException) when (createMissing)
        {
            return (await sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = queueName }, cancellationToken)).QueueUrl;
        }
    }
}
