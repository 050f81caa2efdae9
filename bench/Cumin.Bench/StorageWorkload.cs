using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace Cumin.Bench;

/// <summary>The storage benchmark's workload: task-like states written and read through the provider or by hand.</summary>
internal static class StorageWorkload
{
    public const string StateName = "task";

    /// <summary>
    /// Op i touches item i mod Items. Items is a multiple of the concurrency C, so with workers taking ops w, w+C, ...
    /// each item belongs to one worker: no write conflicts, as with grains (one activation per item).
    /// </summary>
    public static int ItemCount(BenchOptions options) => options.Concurrency * Math.Max(1, 960 / options.Concurrency);

    public static (string ProjectId, string TaskId) ItemKey(string side, int index) =>
        ($"{side}-project-{index % 12}", $"task-{index:D5}");

    /// <summary>The representative state: a task as Cumin stores it.</summary>
    public sealed record BenchTask
    {
        public string Id { get; init; } = string.Empty;
        public string ProjectId { get; init; } = string.Empty;
        public string Title { get; init; } = string.Empty;
        public string Description { get; init; } = string.Empty;
        public BenchTaskStatus Status { get; init; }
        public BenchTaskPriority Priority { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }
        public int Version { get; init; }

        public static BenchTask Create(string projectId, string taskId) => new()
        {
            Id = taskId,
            ProjectId = projectId,
            Title = $"Task {taskId}: prepare the quarterly report",
            Description = "Collect the numbers from every team, check them against last quarter, and write the summary " +
                "for the board. Attach the spreadsheet and ask finance to review the totals before Friday.",
            Status = BenchTaskStatus.Todo,
            Priority = BenchTaskPriority.Medium,
            CreatedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
            Version = 1,
        };

        public BenchTask Next() => this with
        {
            Status = (BenchTaskStatus)((int)(Status + 1) % 3),
            UpdatedAt = DateTimeOffset.UtcNow,
            Version = Version + 1,
        };
    }

    public enum BenchTaskStatus
    {
        Todo,
        InProgress,
        Done,
    }

    public enum BenchTaskPriority
    {
        Low,
        Medium,
        High,
    }

    /// <summary>Through the provider: what a grain's WriteStateAsync / ReadStateAsync ends up calling.</summary>
    public sealed class ProviderSide
    {
        private readonly IGrainStorage _storage;
        private readonly GrainId[] _ids;
        private readonly GrainState<BenchTask>[] _states;
        private readonly GrainState<BenchTask>[] _reads;

        public ProviderSide(IGrainStorage storage, string side, int items)
        {
            _storage = storage;
            _ids = new GrainId[items];
            _states = new GrainState<BenchTask>[items];
            _reads = new GrainState<BenchTask>[items];
            for (var i = 0; i < items; i++)
            {
                var (projectId, taskId) = ItemKey(side, i);
                _ids[i] = GrainId.Create("task", $"{projectId}/{taskId}");
                _states[i] = new GrainState<BenchTask>(BenchTask.Create(projectId, taskId));
                _reads[i] = new GrainState<BenchTask>();
            }
        }

        public Task Write(int op)
        {
            var slot = op % _ids.Length;
            var state = _states[slot];
            state.State = state.State!.Next();
            return _storage.WriteStateAsync(StateName, _ids[slot], state);
        }

        public async Task Read(int op)
        {
            var slot = op % _ids.Length;
            await _storage.ReadStateAsync(StateName, _ids[slot], _reads[slot]);
            if (_reads[slot].State is not { Version: > 0 })
            {
                throw new InvalidOperationException("Read an empty task.");
            }
        }
    }

    /// <summary>The same job with the SDK alone, as a hand-written repository would do it.</summary>
    public sealed class RawSide
    {
        private static readonly Dictionary<string, string> ETagName = new(StringComparer.Ordinal) { ["#etag"] = "etag" };

        private readonly IAmazonDynamoDB _client;
        private readonly string _tableName;
        private readonly BenchTask[] _tasks;
        private readonly long[] _etags;
        private readonly BenchTask[] _reads;

        public RawSide(IAmazonDynamoDB client, string tableName, string side, int items)
        {
            _client = client;
            _tableName = tableName;
            _tasks = new BenchTask[items];
            _etags = new long[items];
            _reads = new BenchTask[items];
            for (var i = 0; i < items; i++)
            {
                var (projectId, taskId) = ItemKey(side, i);
                _tasks[i] = BenchTask.Create(projectId, taskId);
            }
        }

        public async Task Write(int op)
        {
            var slot = op % _tasks.Length;
            var task = _tasks[slot] = _tasks[slot].Next();
            var expected = _etags[slot];
            var next = expected + 1;
            var request = new PutItemRequest
            {
                TableName = _tableName,
                Item = new Dictionary<string, AttributeValue>(StringComparer.Ordinal)
                {
                    ["pk"] = new() { S = task.ProjectId },
                    ["sk"] = new() { S = task.Id },
                    ["id"] = new() { S = task.Id },
                    ["projectId"] = new() { S = task.ProjectId },
                    ["title"] = new() { S = task.Title },
                    ["description"] = new() { S = task.Description },
                    ["status"] = new() { S = Status(task.Status) },
                    ["priority"] = new() { S = Priority(task.Priority) },
                    ["createdAt"] = new() { S = task.CreatedAt.ToString("O", CultureInfo.InvariantCulture) },
                    ["updatedAt"] = new() { S = task.UpdatedAt.ToString("O", CultureInfo.InvariantCulture) },
                    ["version"] = new() { N = task.Version.ToString(CultureInfo.InvariantCulture) },
                    ["etag"] = new() { N = next.ToString(CultureInfo.InvariantCulture) },
                },
                ConditionExpression = expected == 0 ? "attribute_not_exists(#etag)" : "#etag = :etag",
                ExpressionAttributeNames = ETagName,
                ExpressionAttributeValues = expected == 0
                    ? null
                    : new Dictionary<string, AttributeValue>(StringComparer.Ordinal) { [":etag"] = new() { N = expected.ToString(CultureInfo.InvariantCulture) } },
                ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
            };
            await _client.PutItemAsync(request);
            _etags[slot] = next;
        }

        public async Task Read(int op)
        {
            var slot = op % _tasks.Length;
            var key = _tasks[slot];
            var response = await _client.GetItemAsync(new GetItemRequest
            {
                TableName = _tableName,
                Key = new Dictionary<string, AttributeValue>(StringComparer.Ordinal)
                {
                    ["pk"] = new() { S = key.ProjectId },
                    ["sk"] = new() { S = key.Id },
                },
                ConsistentRead = true,
            });
            var item = response.Item;
            _reads[slot] = new BenchTask
            {
                Id = item["id"].S,
                ProjectId = item["projectId"].S,
                Title = item["title"].S,
                Description = item["description"].S,
                Status = ParseStatus(item["status"].S),
                Priority = ParsePriority(item["priority"].S),
                CreatedAt = DateTimeOffset.Parse(item["createdAt"].S, CultureInfo.InvariantCulture),
                UpdatedAt = DateTimeOffset.Parse(item["updatedAt"].S, CultureInfo.InvariantCulture),
                Version = int.Parse(item["version"].N, CultureInfo.InvariantCulture),
            };
            _etags[slot] = long.Parse(item["etag"].N, CultureInfo.InvariantCulture);
        }

        private static string Status(BenchTaskStatus status) => status switch
        {
            BenchTaskStatus.Todo => "todo",
            BenchTaskStatus.InProgress => "in_progress",
            _ => "done",
        };

        private static BenchTaskStatus ParseStatus(string status) => status switch
        {
            "todo" => BenchTaskStatus.Todo,
            "in_progress" => BenchTaskStatus.InProgress,
            _ => BenchTaskStatus.Done,
        };

        private static string Priority(BenchTaskPriority priority) => priority switch
        {
            BenchTaskPriority.Low => "low",
            BenchTaskPriority.Medium => "medium",
            _ => "high",
        };

        private static BenchTaskPriority ParsePriority(string priority) => priority switch
        {
            "low" => BenchTaskPriority.Low,
            "medium" => BenchTaskPriority.Medium,
            _ => BenchTaskPriority.High,
        };
    }
}
