namespace Cumin.Orleans.Sqs;

/// <summary>
/// The mappers of one provider (named options, by provider name), asked in order after the built-in reader of
/// Orleans-produced batches. Filled by <c>AddJsonMessageMapping</c> / <c>AddMessageMapper</c> on the configurator.
/// </summary>
public sealed class SqsMessageMappingOptions
{
    /// <summary>Factories of the mappers, in the order they are asked.</summary>
    public IList<Func<IServiceProvider, ISqsMessageMapper>> Mappers { get; } = [];
}
