namespace Cumin.Lambdas.Streams;

/// <summary>
/// One table's stream feeding one function, like a Lambda event-source mapping. <see cref="Name"/> keys the
/// mapping's checkpoints, so two mappings on one table keep separate positions.
/// </summary>
public sealed record EventSourceMapping(string Name, string Table, Func<IServiceProvider, IStreamEventFunction> Function);
