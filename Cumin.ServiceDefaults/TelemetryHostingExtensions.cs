using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Cumin.ServiceDefaults;

/// <summary>
/// One telemetry setup for every Cumin host (API, silo, runner): traces, metrics and logs through OpenTelemetry, and the
/// console log format. What goes out over OTLP and where follows the standard <c>OTEL_*</c> variables; nothing is
/// exported unless <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// </summary>
public static class TelemetryHostingExtensions
{
    /// <summary>The standard variable that turns OTLP export on (with <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, <c>…_HEADERS</c>).</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// Adds Cumin's telemetry as service <paramref name="serviceName"/> (<c>OTEL_SERVICE_NAME</c> overrides it):
    /// ASP.NET Core, HttpClient, the AWS SDK's calls (named by service and operation, <see cref="AwsSdkTracing"/>), Npgsql
    /// and Orleans spans and meters, the .NET runtime's meters, Cumin's own source and meter, and logs with their scopes;
    /// exported over OTLP when <see cref="OtlpEndpointVariable"/> is set. <paramref name="tracing"/> adds to the trace pipeline (a test's
    /// in-memory exporter).
    /// </summary>
    public static TBuilder AddCuminTelemetry<TBuilder>(this TBuilder builder, string serviceName, Action<TracerProviderBuilder>? tracing = null)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddCuminConsoleLogging();
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName, serviceInstanceId: Environment.MachineName + "-" + Environment.ProcessId))
            .WithTracing(traces =>
            {
                traces.SetSampler(BackgroundPollingSampler.Instance)
                    .AddSource(CuminTelemetry.Name)
                    .AddSource([.. CuminTelemetry.OrleansSources])
                    .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = IsNotProbe)
                    .AddHttpClientInstrumentation()
                    .AddAwsSdkInstrumentation()
                    .AddNpgsql();
                tracing?.Invoke(traces);
            })
            .WithMetrics(metrics => metrics
                .AddMeter(CuminTelemetry.Name, CuminTelemetry.OrleansMeter)
                .AddNpgsqlInstrumentation()
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation())
            .WithLogging(_ => { }, logs =>
            {
                logs.IncludeScopes = true;
                logs.IncludeFormattedMessage = true;
            });
        if (builder.Configuration[OtlpEndpointVariable] is { Length: > 0 })
        {
            telemetry.UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>
    /// The console log format: readable lines in Development (make run), JSON lines with scopes, trace and span ids in
    /// UTC everywhere else (containers, ECS, where CloudWatch parses them), unless <c>Logging:Console:FormatterName</c>
    /// says otherwise.
    /// </summary>
    public static TBuilder AddCuminConsoleLogging<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Logging.Configure(factory => factory.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        if (builder.Configuration["Logging:Console:FormatterName"] is { Length: > 0 })
        {
            return builder;
        }

        if (builder.Environment.IsDevelopment())
        {
            builder.Logging.AddSimpleConsole();
        }
        else
        {
            builder.Logging.AddJsonConsole(json =>
            {
                json.IncludeScopes = true;
                json.UseUtcTimestamp = true;
                json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }

        return builder;
    }

    // Health probes every few seconds from the load balancer and the orchestrator are not requests anyone traces.
    private static bool IsNotProbe(HttpContext context) =>
        !context.Request.Path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase);
}
