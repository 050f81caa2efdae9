using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Cumin.Orleans.DynamoDB;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cumin.Bench;

/// <summary>
/// The provider's own cost per operation, with DynamoDB replaced by an in-process dictionary: what is left is the
/// provider's code (serialization, conversion, request building) against hand-written mapping. Unlike throughput
/// against DynamoDB Local, this figure does not move with the machine's load.
/// </summary>
internal static class StorageCpuCost
{
    public static void Run(string tableName, Func<DynamoDBGrainStorageOptions> options, int ops)
    {
        var client = InMemoryDynamoDB.Create();
        var storage = new DynamoDBGrainStorage("cpu", options(), client, NullLogger<DynamoDBGrainStorage>.Instance);
        var items = 960;
        var provider = new StorageWorkload.ProviderSide(storage, "provider", items);
        var raw = new StorageWorkload.RawSide(client, tableName, "raw-sdk", items);

        var kinds = new (string Name, Func<int, Task> Operation)[]
        {
            ("provider write", provider.Write), ("raw write", raw.Write), ("provider read", provider.Read), ("raw read", raw.Read),
        };
        foreach (var (_, operation) in kinds)
        {
            Measure(operation, Math.Max(items, ops / 4));
        }

        Console.WriteLine($"own cost per op, DynamoDB replaced by an in-process dictionary ({ops} ops each, one thread):");
        Console.WriteLine($"{"",-16}{"us/op",10}{"bytes/op",10}");
        var costs = kinds.ToDictionary(kind => kind.Name, kind => Measure(kind.Operation, ops));
        foreach (var (name, (micros, bytes)) in costs)
        {
            Console.WriteLine($"{name,-16}{micros,10:F2}{bytes,10:F0}");
        }

        Console.WriteLine(
            $"provider overhead over hand-written code: write {costs["provider write"].Micros - costs["raw write"].Micros:F2} us/op, " +
            $"read {costs["provider read"].Micros - costs["raw read"].Micros:F2} us/op");
    }

    private static (double Micros, double Bytes) Measure(Func<int, Task> operation, int ops)
    {
        GC.Collect();
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var started = Stopwatch.GetTimestamp();
        for (var op = 0; op < ops; op++)
        {
            // The in-memory client completes synchronously, so this never actually waits.
            operation(op).GetAwaiter().GetResult();
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        return (elapsed.TotalMicroseconds / ops, (GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)ops);
    }

    /// <summary>Just enough of DynamoDB for PutItem and GetItem, answering synchronously from a dictionary.</summary>
    [SuppressMessage("Performance", "CA1852:Seal internal types", Justification = "DispatchProxy generates a subclass.")]
    public class InMemoryDynamoDB : DispatchProxy
    {
        private readonly ConcurrentDictionary<(string, string), Dictionary<string, AttributeValue>> _items = new();

        public static IAmazonDynamoDB Create() => Create<IAmazonDynamoDB, InMemoryDynamoDB>();

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            switch (targetMethod?.Name)
            {
                case nameof(IAmazonDynamoDB.PutItemAsync) when args is [PutItemRequest put, ..]:
                    _items[(put.Item["pk"].S, put.Item["sk"].S)] = put.Item;
                    return Task.FromResult(new PutItemResponse());
                case nameof(IAmazonDynamoDB.GetItemAsync) when args is [GetItemRequest get, ..]:
                    return Task.FromResult(new GetItemResponse
                    {
                        Item = _items.TryGetValue((get.Key["pk"].S, get.Key["sk"].S), out var item) ? item : null,
                    });
                case nameof(IDisposable.Dispose):
                    return null;
                default:
                    throw new NotSupportedException($"{targetMethod?.Name} is not part of the in-memory stand-in.");
            }
        }
    }
}
