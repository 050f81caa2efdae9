using System.Collections.Concurrent;
using System.Text.Json;
using Cumin.Lambdas.Streams;

namespace Cumin.Lambdas.Tests.TestSupport;

/// <summary>A stream function that only records which records were delivered to it, and how often.</summary>
public sealed class DeliveryLog : IStreamEventFunction
{
    private static readonly byte[] Success = """{"batchItemFailures":[]}"""u8.ToArray();

    public ConcurrentDictionary<string, int> Deliveries { get; } = new();

    public async Task<Stream> InvokeAsync(Stream payload, CancellationToken cancellationToken)
    {
        var streamEvent = await JsonSerializer.DeserializeAsync(payload, StreamsJsonContext.Default.DynamoDbStreamEvent, cancellationToken);
        foreach (var record in streamEvent!.Records)
        {
            Deliveries.AddOrUpdate(record.Dynamodb!.SequenceNumber!, 1, (_, n) => n + 1);
        }

        return new MemoryStream(Success);
    }
}
