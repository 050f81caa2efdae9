using Cumin.ServiceDefaults;

namespace Cumin.Lambdas.Hosting;

/// <summary>
/// What a function's Lambda entry point does around the function: its telemetry in AWS, started on first use and
/// flushed after every invocation, since Lambda freezes the process once the handler returns. In the local runner the
/// runner's host has its own telemetry and calls the function's <c>InvokeAsync</c> directly.
/// </summary>
public sealed class LambdaEntryPoint(string serviceName)
{
    private readonly Lazy<FunctionTelemetry> _telemetry = new(() => FunctionTelemetry.Start(serviceName));

    /// <summary>Runs <paramref name="invoke"/> on <paramref name="input"/>, then flushes, whether it succeeded or not.</summary>
    public async Task<Stream> InvokeAsync(Func<Stream, CancellationToken, Task<Stream>> invoke, Stream input)
    {
        ArgumentNullException.ThrowIfNull(invoke);
        // Started before the first invocation, not after it, so that the first one is traced too.
        var telemetry = _telemetry.Value;
        try
        {
            return await invoke(input, CancellationToken.None);
        }
        finally
        {
            telemetry.Flush();
        }
    }
}
