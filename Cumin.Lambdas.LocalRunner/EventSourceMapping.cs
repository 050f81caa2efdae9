using Cumin.Lambdas.Streams;

namespace Cumin.Lambdas.LocalRunner;

/// <summary>
/// One table's stream feeding one function, like a Lambda event-source mapping. <see cref="Name"/> keys the
/// mapping's checkpoints, so two mappings on one table keep separate positions. <see cref="ParallelizationFactor"/> is
/// Lambda's: how many partition keys of a shard are worked at once (1: the whole shard in order).
/// <see cref="MaximumRetryAttempts"/>, when set, is this mapping's own (Lambda's setting of the same name; -1: until the
/// record succeeds) instead of <c>Cumin:Runner:MaximumRetryAttempts</c>.
/// </summary>
public sealed record EventSourceMapping(
    string Name,
    string Table,
    Func<IServiceProvider, IStreamEventFunction> Function,
    int ParallelizationFactor = 1,
    int? MaximumRetryAttempts = null);
