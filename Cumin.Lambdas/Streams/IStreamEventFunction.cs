namespace Cumin.Lambdas.Streams;

/// <summary>
/// A function the local runner can invoke the way Lambda does: the raw event JSON in, the raw
/// <see cref="StreamsEventResponse"/> JSON out. Functions also expose a one-parameter
/// <c>HandleAsync(Stream)</c> for the Lambda handler string; this member has another name because the
/// .NET Lambda runtime rejects a handler method that is overloaded.
/// </summary>
public interface IStreamEventFunction
{
    Task<Stream> InvokeAsync(Stream payload, CancellationToken cancellationToken);
}
