using System.Diagnostics;
using OpenTelemetry.Trace;

namespace Cumin.ServiceDefaults;

/// <summary>
/// Records every span of a request or a job, and drops client spans that start a trace of their own: a call made with no
/// span around it is background polling (the runner's GetRecords every quarter second, the silos' SQS receives, the
/// membership table's reads, checkpoints), which would bury the traces that matter under thousands of one-span ones.
/// Their metrics are still counted. Work picked up from a stream or a queue starts a span of its own that continues the
/// trace that asked for it (<see cref="CuminTelemetry.StartLinked"/>), so it is kept.
/// </summary>
internal sealed class BackgroundPollingSampler : Sampler
{
    public static Sampler Instance { get; } = new ParentBasedSampler(new BackgroundPollingSampler());

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        new(samplingParameters.Kind == ActivityKind.Client ? SamplingDecision.Drop : SamplingDecision.RecordAndSample);
}
