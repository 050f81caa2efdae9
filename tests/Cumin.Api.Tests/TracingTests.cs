using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Net;
using Cumin.ServiceDefaults;
using Cumin.Testing;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Cumin.Api.Tests;

/// <summary>
/// One export is one trace: its POST, the grain calls in the silo, the job item written to DynamoDB, the exporter picking
/// it up from the stream, its SQS message, the user grain's delivery and the SignalR send all share the POST's trace id.
/// Spans are collected in memory, no OTLP: the silo, the runner and the API run in this process, so one listener sees all.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class TracingTests(ApiFixture fixture)
{
    [Fact]
    public async Task An_export_is_one_trace_from_its_post_to_the_signalr_send()
    {
        var spans = new Exported();
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .SetSampler(new AlwaysOnSampler())
            .AddSource(CuminTelemetry.Name, "Microsoft.AspNetCore")
            .AddSource([.. CuminTelemetry.OrleansSources])
            .AddHttpClientInstrumentation()
            .AddAwsSdkInstrumentation()
            .AddInMemoryExporter(spans)
            .Build();
        var owner = await fixture.NewUserAsync("Tracer");
        var projectId = await owner.CreateProjectAsync("Traced");
        await owner.CreateTaskAsync(projectId, "one task to export");
        await using var tab = await NotificationClient.ConnectAsync(fixture.Api.BaseAddress!, owner.AccessToken);

        var started = await owner.Client.PostAsync($"/api/projects/{projectId}/exports", null);
        var exportId = (await HttpAssert.OkAsync(started, HttpStatusCode.Accepted)).GetProperty("id").GetString()!;
        Assert.NotNull(await tab.WaitForAsync(exportId));

        var post = Spans(spans).Single(s => s.Kind == ActivityKind.Server && s.Source.Name == "Microsoft.AspNetCore"
            && s.GetTagItem("http.route") as string == "/api/projects/{projectId}/exports" && s.GetTagItem("http.request.method") as string == "POST"
            && s.GetTagItem("url.path") as string == $"/api/projects/{projectId}/exports");
        var trace = post.TraceId;
        List<Activity> InTrace() => Spans(spans).Where(s => s.TraceId == trace).ToList();
        // The SignalR send ends after the client got the message: wait for it to be recorded.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!InTrace().Any(s => s.DisplayName == "SignalR send") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        var inTrace = InTrace();
        var names = string.Join(", ", inTrace.Select(s => $"{s.Source.Name}:{s.DisplayName}").Distinct());
        Assert.Contains(inTrace, s => s.Source.Name == "Microsoft.Orleans.Application" && s.Kind == ActivityKind.Server && s.DisplayName.Contains("UserGrain", StringComparison.Ordinal));
        Assert.Contains(inTrace, s => s.DisplayName == "DynamoDB.PutItem");
        var export = Assert.Single(inTrace, s => s.DisplayName == "export" && s.Source.Name == CuminTelemetry.Name);
        Assert.Equal(exportId, export.GetTagItem("cumin.export.id"));
        Assert.Contains(inTrace, s => s.DisplayName == "SQS.SendMessage");
        Assert.Contains(inTrace, s => s.DisplayName == "export notification" && s.Source.Name == CuminTelemetry.Name);
        Assert.True(inTrace.Any(s => s.DisplayName == "SignalR send"), $"no SignalR send in the trace: {names}");
    }

    /// <summary>Each span once: several hosts in this process may each have exported it too.</summary>
    private static List<Activity> Spans(Exported exported)
    {
        lock (exported)
        {
            return [.. exported.DistinctBy(s => s.SpanId)];
        }
    }

    /// <summary>The exporter adds from the threads that end spans while the test reads.</summary>
    private sealed class Exported : Collection<Activity>
    {
        protected override void InsertItem(int index, Activity item)
        {
            lock (this)
            {
                base.InsertItem(index, item);
            }
        }
    }
}
