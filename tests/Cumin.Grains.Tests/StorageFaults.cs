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
    private readonly ConcurrentDictionary<string, bool> _losePutAnswers = new(StringComparer.Ordinal);

    /// <summary>The next DeleteItem of the item whose sort (or else partition) key is <paramref name="key"/> lands, then fails.</summary>
    public void LoseNextDeleteAnswer(string key) => _loseDeleteAnswers[key] = true;

    /// <summary>The next PutItem of the item whose sort (or else partition) key is <paramref name="key"/> lands, then fails.</summary>
    public void LoseNextPutAnswer(string key) => _losePutAnswers[key] = true;

    private readonly ConcurrentDictionary<string, StorageHold> _putHolds = new(StringComparer.Ordinal);

    /// <summary>The next PutItem in partition <paramref name="partition"/> waits, before it is sent, until the hold is released.</summary>
    public StorageHold HoldNextPutIn(string partition) => _putHolds[partition] = new StorageHold();

    internal StorageHold? TakePutHold(string? partition) =>
        partition is not null && _putHolds.TryRemove(partition, out var hold) ? hold : null;

    internal bool TakeDeleteFault(Dictionary<string, AttributeValue> key) => _loseDeleteAnswers.TryRemove(KeyOf(key), out _);

    internal bool TakePutFault(Dictionary<string, AttributeValue> item) => _losePutAnswers.TryRemove(KeyOf(item), out _);

    private static string KeyOf(Dictionary<string, AttributeValue> item) =>
        (item.GetValueOrDefault(KeyAttributes.Sort) ?? item[KeyAttributes.Partition]).S;
}

/// <summary>A storage request held on its way: <see cref="Reached"/> once it waits, sent on <see cref="Release"/>.</summary>
public sealed class StorageHold
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Reached => _reached.Task;

    public void Release() => _released.TrySetResult();

    internal Task WaitAsync()
    {
        _reached.TrySetResult();
        return _released.Task;
    }
}

/// <summary>
/// Every DynamoDB request the silos made, counted by operation and by the partition it named (a project's tasks are
/// one partition), so a test can say how many storage calls something cost.
/// </summary>
public sealed class StorageCalls
{
    private readonly ConcurrentDictionary<(string Partition, string Operation), int> _calls = new();

    public int Of(string partition, string operation) => _calls.GetValueOrDefault((partition, operation));

    public int Of(string partition) => _calls.Where(c => c.Key.Partition == partition).Sum(c => c.Value);

    internal void Count(string? partition, string operation)
    {
        if (partition is not null)
        {
            _calls.AddOrUpdate((partition, operation), 1, (_, n) => n + 1);
        }
    }
}

/// <summary>The silos' DynamoDB client (resolved by the SDK, as Cumin.Silo's is), counting requests and applying <see cref="StorageFaults"/>.</summary>
internal sealed class FaultInjectingDynamoDB(StorageFaults faults, StorageCalls calls) : AmazonDynamoDBClient
{
    public override async Task<DeleteItemResponse> DeleteItemAsync(DeleteItemRequest request, CancellationToken cancellationToken = default)
    {
        calls.Count(Partition(request.Key), nameof(DeleteItemAsync));
        var response = await base.DeleteItemAsync(request, cancellationToken);
        return faults.TakeDeleteFault(request.Key)
            ? throw new AmazonDynamoDBException("injected by the test: the connection dropped after DynamoDB deleted the item")
            : response;
    }

    public override async Task<PutItemResponse> PutItemAsync(PutItemRequest request, CancellationToken cancellationToken = default)
    {
        calls.Count(Partition(request.Item), nameof(PutItemAsync));
        if (faults.TakePutHold(Partition(request.Item)) is { } hold)
        {
            await hold.WaitAsync();
        }

        var response = await base.PutItemAsync(request, cancellationToken);
        return faults.TakePutFault(request.Item)
            ? throw new AmazonDynamoDBException("injected by the test: the connection dropped after DynamoDB stored the item")
            : response;
    }

    public override Task<GetItemResponse> GetItemAsync(GetItemRequest request, CancellationToken cancellationToken = default)
    {
        calls.Count(Partition(request.Key), nameof(GetItemAsync));
        return base.GetItemAsync(request, cancellationToken);
    }

    public override Task<UpdateItemResponse> UpdateItemAsync(UpdateItemRequest request, CancellationToken cancellationToken = default)
    {
        calls.Count(Partition(request.Key), nameof(UpdateItemAsync));
        return base.UpdateItemAsync(request, cancellationToken);
    }

    public override Task<QueryResponse> QueryAsync(QueryRequest request, CancellationToken cancellationToken = default)
    {
        calls.Count(request.ExpressionAttributeValues?.Values.FirstOrDefault()?.S, nameof(QueryAsync));
        return base.QueryAsync(request, cancellationToken);
    }

    public override Task<TransactWriteItemsResponse> TransactWriteItemsAsync(TransactWriteItemsRequest request, CancellationToken cancellationToken = default)
    {
        foreach (var item in request.TransactItems)
        {
            calls.Count(Partition(item.Update?.Key ?? item.Put?.Item ?? item.Delete?.Key), nameof(TransactWriteItemsAsync));
        }

        return base.TransactWriteItemsAsync(request, cancellationToken);
    }

    private static string? Partition(Dictionary<string, AttributeValue>? key) =>
        key is not null && key.TryGetValue(KeyAttributes.Partition, out var pk) ? pk.S : null;
}
