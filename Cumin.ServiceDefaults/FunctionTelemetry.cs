using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Cumin.ServiceDefaults;

/// <summary>
/// Telemetry of a Lambda function, which has no host: the same sources and meters as the hosts, as service
/// <c>serviceName</c>, exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (in AWS, the ADOT collector
/// layer's local endpoint). <see cref="Flush"/> at the end of each invocation: Lambda freezes the process after it.
/// </summary>
public sealed class FunctionTelemetry : IDisposable
{
    private readonly TracerProvider? _traces;
    private readonly MeterProvider? _metrics;

    private FunctionTelemetry(TracerProvider? traces, MeterProvider? metrics)
    {
        _traces = traces;
        _metrics = metrics;
    }

    /// <summary>Nothing is built unless OTLP export is asked for: a function without a collector pays nothing.</summary>
    public static FunctionTelemetry Start(string serviceName)
    {
        if (Environment.GetEnvironmentVariable(TelemetryHostingExtensions.OtlpEndpointVariable) is not { Length: > 0 })
        {
            return new FunctionTelemetry(null, null);
        }

        var resource = ResourceBuilder.CreateDefault().AddService(serviceName);
        var traces = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(resource)
            .SetSampler(BackgroundPollingSampler.Instance)
            .AddSource(CuminTelemetry.Name)
            .AddHttpClientInstrumentation()
            .AddAwsSdkInstrumentation()
            .AddNpgsql()
            .AddOtlpExporter()
            .Build();
        var metrics = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource)
            .AddMeter(CuminTelemetry.Name)
            .AddNpgsqlInstrumentation()
            .AddHttpClientInstrumentation()
            .AddOtlpExporter()
            .Build();
        return new FunctionTelemetry(traces, metrics);
    }

    public void Flush()
    {
        _traces?.ForceFlush();
        _metrics?.ForceFlush();
    }

    public void Dispose()
    {
        _traces?.Dispose();
        _metrics?.Dispose();
    }
}
