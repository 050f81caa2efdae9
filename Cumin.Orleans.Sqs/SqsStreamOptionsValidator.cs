using System.Text.RegularExpressions;
using Orleans;
using Orleans.Runtime;

namespace Cumin.Orleans.Sqs;

/// <summary>Checks <see cref="SqsStreamOptions"/> when the silo or client starts, so a typo fails fast and says where.</summary>
public sealed partial class SqsStreamOptionsValidator(SqsStreamOptions options, string name) : IConfigurationValidator
{
    /// <inheritdoc />
    public void ValidateConfiguration()
    {
        var queues = options.GetQueueNames();
        if (queues.Count == 0)
        {
            Fail($"no queue: set {nameof(SqsStreamOptions.QueueNames)} or {nameof(SqsStreamOptions.QueueNamePrefix)}");
        }

        if (options.QueueNames.Count == 0 && options.QueueCount < 1)
        {
            Fail($"{nameof(SqsStreamOptions.QueueCount)} must be at least 1");
        }

        foreach (var queue in queues)
        {
            if (!SqsQueue.IsUrl(queue) && !QueueName().IsMatch(queue))
            {
                Fail($"'{queue}' is neither a queue URL nor a valid queue name (1-80 letters, digits, '-' or '_', optionally ending in .fifo)");
            }
        }

        if (queues.Distinct(StringComparer.Ordinal).Count() != queues.Count)
        {
            Fail("a queue is listed twice");
        }

        if (options.MaxNumberOfMessages is < 1 or > 10)
        {
            Fail($"{nameof(SqsStreamOptions.MaxNumberOfMessages)} must be between 1 and 10");
        }

        if (options.WaitTime < TimeSpan.Zero || options.WaitTime > TimeSpan.FromSeconds(20))
        {
            Fail($"{nameof(SqsStreamOptions.WaitTime)} must be between 0 and 20 seconds");
        }

        if (options.VisibilityTimeout < TimeSpan.FromSeconds(1) || options.VisibilityTimeout > TimeSpan.FromHours(12))
        {
            Fail($"{nameof(SqsStreamOptions.VisibilityTimeout)} must be between 1 second and 12 hours");
        }

        if (options.RedeliveryDelay < TimeSpan.Zero || options.RedeliveryDelay > TimeSpan.FromHours(12))
        {
            Fail($"{nameof(SqsStreamOptions.RedeliveryDelay)} must be between 0 and 12 hours");
        }

        if (options.MinErrorBackoff <= TimeSpan.Zero || options.MaxErrorBackoff < options.MinErrorBackoff)
        {
            Fail($"{nameof(SqsStreamOptions.MinErrorBackoff)} must be positive and at most {nameof(SqsStreamOptions.MaxErrorBackoff)}");
        }
    }

    private void Fail(string problem) =>
        throw new OrleansConfigurationException($"SQS stream provider '{name}': {problem}.");

    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,80}(\.fifo)?$")]
    private static partial Regex QueueName();
}
