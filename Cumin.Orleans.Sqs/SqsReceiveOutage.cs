using Microsoft.Extensions.Logging;

namespace Cumin.Orleans.Sqs;

/// <summary>
/// How a receiver rides out SQS being away: the wait before each retry, doubling from
/// <see cref="SqsStreamOptions.MinErrorBackoff"/> to <see cref="SqsStreamOptions.MaxErrorBackoff"/>; one warning when
/// receiving starts failing and one line when it works again, the failures in between at Debug.
/// </summary>
internal sealed class SqsReceiveOutage(string queueName, SqsStreamOptions options, TimeProvider time, ILogger logger)
{
    private DateTimeOffset? _since;
    private TimeSpan _backoff = options.MinErrorBackoff;

    /// <summary>A receive failed: how long to wait before the next one.</summary>
    public TimeSpan Failed(Exception exception)
    {
        var wait = _backoff;
        if (_since is null)
        {
            _since = time.GetUtcNow();
            logger.LogReceiveFailed(queueName, wait, exception);
        }
        else
        {
            logger.LogReceiveStillFailing(queueName, wait, exception);
        }

        _backoff = TimeSpan.FromTicks(Math.Min(_backoff.Ticks * 2, options.MaxErrorBackoff.Ticks));
        return wait;
    }

    /// <summary>A receive worked: ends the outage, if there was one.</summary>
    public void Succeeded()
    {
        if (_since is { } since)
        {
            logger.LogReceiveRecovered(queueName, time.GetUtcNow() - since);
            _since = null;
            _backoff = options.MinErrorBackoff;
        }
    }
}
