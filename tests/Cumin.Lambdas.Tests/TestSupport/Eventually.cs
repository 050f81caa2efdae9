namespace Cumin.Lambdas.Tests.TestSupport;

/// <summary>
/// Waits for an eventually consistent result (stream processing) by polling, with a generous limit.
/// It returns the last value seen, and the test asserts on that: the limit only bounds a hang, it is no timing goal.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    public static async Task<T> Until<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan? limit = null)
    {
        var deadline = DateTime.UtcNow + (limit ?? Limit);
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(100);
        }
    }
}
