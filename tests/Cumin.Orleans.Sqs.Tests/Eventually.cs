namespace Cumin.Orleans.Sqs.Tests;

/// <summary>Polls for an eventual result with a generous deadline; the deadline is a safety net, never the assertion.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(90);

    /// <summary>Reads <paramref name="read"/> until <paramref name="done"/> holds, and returns the last value read either way.</summary>
    public static async Task<T> ReadUntil<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan? timeout = null)
    {
        var deadline = TimeProvider.System.GetUtcNow() + (timeout ?? DefaultTimeout);
        while (true)
        {
            var value = await read();
            if (done(value) || TimeProvider.System.GetUtcNow() > deadline)
            {
                return value;
            }

            await Task.Delay(200);
        }
    }
}
