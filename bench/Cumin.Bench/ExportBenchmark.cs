using System.Diagnostics;
using System.Globalization;
using Cumin.Lambdas;
using Cumin.Lambdas.Export;
using Cumin.Lambdas.Hosting;
using Cumin.Lambdas.LocalRunner;
using Cumin.Lambdas.Streams;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cumin.Bench;

/// <summary>
/// Export benchmark: for projects of 1,000, 10,000 and 100,000 tasks, the time from <c>POST /api/projects/{id}/exports</c>
/// to the <c>notification</c> on the owner's SignalR connection, and the exporter's memory. The silo runs in this
/// process; the API (Cumin.Api.dll) and the exporter (this program with <c>--runner</c>: the Lambdas' event-source
/// runner with ExporterFunction alone on the jobs table) run as child processes, a fresh exporter per size, so its
/// peak resident set (VmHWM) belongs to that export alone.
/// Usage: <c>Cumin.Bench export [--sizes 1000,10000,100000]</c> against the stack of scripts/bench.sh.
/// </summary>
public static partial class ExportBenchmark
{
    private const string RunnerFlag = "--runner";
    private const string StatsPrefix = "exporter-stats ";

    /// <summary>BatchWriteItem requests in flight while seeding; DynamoDB Local gains little from more on two cores.</summary>
    private const int SeedParallelism = 4;

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        if (args is [RunnerFlag, ..])
        {
            await RunExporterAsync();
            return 0;
        }

        var sizes = new[] { 1_000, 10_000, 100_000 };
        for (var i = 0; i < args.Count; i++)
        {
            sizes = args[i] switch
            {
                "--sizes" when i + 1 < args.Count => [.. args[++i].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))],
                _ => throw new ArgumentException($"Unknown option {args[i]}. Usage: export [--sizes 1000,10000,100000]"),
            };
        }

        await using var stack = await BenchStack.StartAsync();
        Console.WriteLine($"Export benchmark: silo in-process, API and exporter as child processes; runner poll interval {new EventSourceRunnerOptions().PollInterval.TotalMilliseconds} ms (the default).");
        Console.WriteLine("| tasks | CSV MiB | seed s | POST → notification s | exporter: invocation s | allocated MiB | peak managed heap MiB | peak heap after a GC MiB | exporter VmHWM before POST MiB | exporter VmHWM after MiB |");
        Console.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var size in sizes)
        {
            var row = await stack.MeasureAsync(size);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {size:N0} | {row.CsvBytes / 1048576.0:F1} | {row.Seed.TotalSeconds:F1} | {row.Notified.TotalSeconds:F2} | {row.Stats.Seconds:F2} | {row.Stats.AllocatedBytes / 1048576.0:F0} | {row.Stats.PeakHeapBytes / 1048576.0:F0} | {(row.Stats.PeakHeapAfterGcBytes > 0 ? (row.Stats.PeakHeapAfterGcBytes / 1048576.0).ToString("F0", CultureInfo.InvariantCulture) : "no GC")} | {row.IdleRss / 1048576.0:F0} | {row.PeakRss / 1048576.0:F0} |"));
        }

        return 0;
    }

    /// <summary>The child process: the runner with the exporter alone, reporting each invocation's cost on stdout.</summary>
    private static async Task RunExporterAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddLambdasDatabase(builder.Configuration);
        builder.Services.AddExporter(builder.Configuration);
        builder.Services.AddSingleton(sp => new MeasuredFunction(sp.GetRequiredService<ExporterFunction>()));
        builder.Services.AddEventSourceRunner(builder.Configuration)
            .AddStreamEventSource<MeasuredFunction>(TableNames.Jobs, name: nameof(ExporterFunction));
        using var host = builder.Build();
        await host.StartAsync();
        Console.WriteLine("ready");
        await host.WaitForShutdownAsync();
    }

    /// <summary>
    /// Wraps the exporter: bytes allocated during the invocation (GC.GetTotalAllocatedBytes, precise), the largest
    /// managed heap seen by a 5 ms sampler (GC.GetTotalMemory without collecting: garbage included, so it depends on
    /// when the GC happens to run), and the largest heap left after any collection during the invocation (what the
    /// export really holds), printed as one line per invocation.
    /// </summary>
    private sealed class MeasuredFunction(ExporterFunction inner) : IStreamEventFunction
    {
        public async Task<Stream> InvokeAsync(Stream payload, CancellationToken cancellationToken)
        {
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var peak = GC.GetTotalMemory(forceFullCollection: false);
            var firstGc = GC.GetGCMemoryInfo(GCKind.Any).Index;
            long peakAfterGc = 0;
            void SampleAfterGc()
            {
                var gc = GC.GetGCMemoryInfo(GCKind.Any);
                if (gc.Index > firstGc)
                {
                    peakAfterGc = Math.Max(peakAfterGc, gc.HeapSizeBytes - gc.FragmentedBytes);
                }
            }

            using var stop = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: false));
                    SampleAfterGc();
                    await Task.Delay(5, CancellationToken.None);
                }
            }, CancellationToken.None);
            var clock = Stopwatch.StartNew();
            var result = await inner.InvokeAsync(payload, cancellationToken);
            clock.Stop();
            await stop.CancelAsync();
            await sampler;
            peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: false));
            SampleAfterGc();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{StatsPrefix}{clock.Elapsed.TotalSeconds} {GC.GetTotalAllocatedBytes(precise: true) - allocated} {peak} {peakAfterGc}"));
            return result;
        }
    }

    private sealed record ExporterStats(double Seconds, long AllocatedBytes, long PeakHeapBytes, long PeakHeapAfterGcBytes);

    private sealed record Row(TimeSpan Seed, TimeSpan Notified, long CsvBytes, ExporterStats Stats, long IdleRss, long PeakRss);
}
