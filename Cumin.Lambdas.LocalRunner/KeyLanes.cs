using Cumin.Lambdas.Streams;

namespace Cumin.Lambdas.LocalRunner;

/// <summary>
/// The records read from one shard, queued per partition key, for a mapping that works several keys at once (Lambda's
/// ParallelizationFactor): records of one key are handed out in stream order, one batch at a time; different keys run
/// side by side, at most <c>factor</c> of them, taken in turn so no key waits behind another's backlog. The shard's
/// checkpoint only moves past records that are all done, so a restart redelivers (never loses) what was in flight.
/// </summary>
internal sealed class KeyLanes(int factor)
{
    private readonly Lock _lock = new();
    private readonly LinkedList<Entry> _order = new();
    private readonly Dictionary<string, Queue<(DynamoDbStreamRecord Record, Entry Entry)>> _queued = new(StringComparer.Ordinal);
    private readonly Queue<string> _ready = new();
    private readonly HashSet<string> _busy = new(StringComparer.Ordinal);

    /// <summary>Records read and not yet acknowledged by <see cref="TryAdvance"/>.</summary>
    public int Buffered
    {
        get
        {
            lock (_lock)
            {
                return _order.Count;
            }
        }
    }

    /// <summary>Nothing queued, nothing running.</summary>
    public bool Idle
    {
        get
        {
            lock (_lock)
            {
                return _order.Count == 0 && _busy.Count == 0;
            }
        }
    }

    /// <summary>
    /// The partition key of a record: Cumin names every table's partition key <c>pk</c> (the user of a job, the project
    /// of a task); a table without one falls back to the whole key, which still keeps each item's records in order.
    /// </summary>
    public static string KeyOf(DynamoDbStreamRecord record)
    {
        var keys = record.Dynamodb?.Keys;
        if (keys is null)
        {
            return "";
        }

        return keys.TryGetValue("pk", out var pk)
            ? pk.S ?? pk.N ?? ""
            : string.Join("\n", keys.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key}={k.Value.S ?? k.Value.N}"));
    }

    public void Add(DynamoDbStreamRecord record)
    {
        lock (_lock)
        {
            var entry = new Entry(record.Dynamodb?.SequenceNumber);
            _order.AddLast(entry);
            var key = KeyOf(record);
            if (!_queued.TryGetValue(key, out var queue))
            {
                _queued[key] = queue = new Queue<(DynamoDbStreamRecord, Entry)>();
                if (!_busy.Contains(key))
                {
                    _ready.Enqueue(key);
                }
            }

            queue.Enqueue((record, entry));
        }
    }

    /// <summary>Batches to start now: keys with records and no batch running, while fewer than the factor run.</summary>
    public List<Lane> StartReady(int batchSize)
    {
        var started = new List<Lane>();
        lock (_lock)
        {
            while (_busy.Count < factor && _ready.TryDequeue(out var key))
            {
                var queue = _queued[key];
                var records = new List<DynamoDbStreamRecord>();
                var entries = new List<Entry>();
                while (records.Count < batchSize && queue.TryDequeue(out var next))
                {
                    records.Add(next.Record);
                    entries.Add(next.Entry);
                }

                _busy.Add(key);
                started.Add(new Lane(key, records, entries));
            }
        }

        return started;
    }

    /// <summary>These records are handled (acknowledged by the function, or skipped after their retries).</summary>
    public void Done(IEnumerable<Entry> entries)
    {
        lock (_lock)
        {
            foreach (var entry in entries)
            {
                entry.Done = true;
            }
        }
    }

    /// <summary>The lane's batch is over; the key's next records (if any) take their turn behind the other keys.</summary>
    public void Release(string key)
    {
        lock (_lock)
        {
            _busy.Remove(key);
            if (_queued.TryGetValue(key, out var queue))
            {
                if (queue.Count > 0)
                {
                    _ready.Enqueue(key);
                }
                else
                {
                    _queued.Remove(key);
                }
            }
        }
    }

    /// <summary>The newest sequence number before which every record read is done, when that moved.</summary>
    public bool TryAdvance(out string? checkpoint)
    {
        checkpoint = null;
        var moved = false;
        lock (_lock)
        {
            while (_order.First is { Value.Done: true } first)
            {
                checkpoint = first.Value.SequenceNumber;
                _order.RemoveFirst();
                moved = true;
            }
        }

        return moved;
    }

    /// <summary>One record's place in the shard's order.</summary>
    public sealed class Entry(string? sequenceNumber)
    {
        public string? SequenceNumber { get; } = sequenceNumber;

        public bool Done { get; set; }
    }

    /// <summary>A batch of one key's records, in stream order.</summary>
    public sealed record Lane(string Key, List<DynamoDbStreamRecord> Records, List<Entry> Entries);
}
