using Cumin.Lambdas.Streams;

namespace Cumin.Lambdas.LocalRunner;

/// <summary>
/// One table's stream feeding one function, like a Lambda event-source mapping. <see cref="Name"/> keys the
/// mapping's checkpoints, so two mappings on one table keep separate positions. <see cref="ParallelizationFactor"/> is
/// Lambda's: how many partition keys of a shard are worked at once (1: the whole shard in order).
/// </summary>
public sealed record EventSourceMapping(string Name, string Table, Func<IServiceProvider, IStreamEventFunction> Function, int ParallelizationFactor = 1);
