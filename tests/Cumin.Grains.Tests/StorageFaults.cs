using System.Collections.Concurrent;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Cumin.Grains.Tests;

/// <summary>
/// Faults a test arms for one item: DynamoDB Local does the work, then the answer is lost on the way back, as with a
/// connection that drops after the server committed. The one thing a cut proxy cannot show: a write that landed but
/// failed for the caller.
/// </summary>
public sealed class StorageFaults
{
    private readonly ConcurrentDictionary<string, bool> _loseDeleteAnswers = new(StringComparer.Ordinal);

    /// <summary>The next DeleteItem of the item whose sort (or else partition) key is <paramref name="key"/> lands, then fails.</summary>
    public void LoseNextDeleteAnswer(string key) => _loseDeleteAnswers[key] = true;

    internal bool TakeDeleteFault(Dictionary<string, AttributeValue> key) =>
        _loseDeleteAnswers.TryRemove((key.GetValueOrDefault(KeyAttributes.Sort) ?? key[KeyAttributes.Partition]).S, out _);
}

/// <summary>The silos' DynamoDB client (resolved by the SDK, as Cumin.Silo's is), with <see cref="StorageFaults"/> applied.</summary>
internal sealed class FaultInjectingDynamoDB(StorageFaults faults) : AmazonDynamoDBClient
{
    public override async Task<DeleteItemResponse> DeleteItemAsync(DeleteItemRequest request, CancellationToken cancellationToken = default)
    {
        var response = await base.DeleteItemAsync(request, cancellationToken);
        return faults.TakeDeleteFault(request.Key)
            ? throw new AmazonDynamoDBException("injected by the test: the connection dropped after DynamoDB deleted the item")
            : response;
    }
}
