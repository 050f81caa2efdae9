using Cumin.Tasks;

namespace Cumin.Grains.Board;

/// <summary>
/// A project's board in memory: every task, by column in rank order and by creation, kept current by every write (the
/// project applies each as its task grain reports it), and the ranks reserved by writes still in flight, so that a rank
/// handed out is never handed out again. Not thread-safe: it lives inside one grain activation.
/// </summary>
/// <remarks>
/// Memory per task: the <see cref="TaskItem"/> (its strings: id, title, rank, and the description when it is at most
/// <see cref="BoardLimits.DescriptionKept"/> characters) and three tree nodes; ids of people and labels are shared with
/// every other task that names them (<see cref="Intern"/>). So a task costs at most a few kilobytes whatever it says,
/// and the largest board the limits allow stays bounded.
/// </remarks>
internal sealed class TaskBoard
{
    private static readonly int ColumnCount = Enum.GetValues<TaskItemStatus>().Length;

    private static readonly IComparer<TaskItem> ByRank = Comparer<TaskItem>.Create(static (a, b) =>
    {
        var byRank = string.CompareOrdinal(a.Rank, b.Rank);
        return byRank != 0 ? byRank : string.CompareOrdinal(a.Id, b.Id);
    });

    private static readonly IComparer<TaskItem> ById = Comparer<TaskItem>.Create(static (a, b) => string.CompareOrdinal(a.Id, b.Id));

    private readonly Dictionary<string, TaskItem> _tasks = new(StringComparer.Ordinal);
    private readonly SortedSet<TaskItem>[] _columns = [.. Enumerable.Range(0, ColumnCount).Select(_ => new SortedSet<TaskItem>(ByRank))];
    private readonly SortedSet<TaskItem> _byCreation = new(ById);

    /// <summary>Ranks handed out to writes in flight, by task; <see cref="_reserved"/> holds the same ranks by column.</summary>
    private readonly Dictionary<string, Reservation> _reservations = new(StringComparer.Ordinal);
    private readonly SortedSet<string>[] _reserved = [.. Enumerable.Range(0, ColumnCount).Select(_ => new SortedSet<string>(StringComparer.Ordinal))];

    /// <summary>Ranks this board gave tasks when respreading a crowded stretch, until each task reports having stored it.</summary>
    private readonly Dictionary<string, (int Column, string Rank)> _respread = new(StringComparer.Ordinal);

    private readonly Dictionary<string, string> _ids = new(StringComparer.Ordinal);

    /// <summary>Tasks whose description is longer than <see cref="BoardLimits.DescriptionKept"/>: not held here.</summary>
    private readonly HashSet<string> _elided = new(StringComparer.Ordinal);

    public int Count => _tasks.Count;

    /// <summary>Tasks, with those being created counted in: what the project's task limit is checked against.</summary>
    public int CountWithCreations => _tasks.Count + _reservations.Values.Count(r => r.IsNew);

    public IEnumerable<TaskItem> Tasks => _tasks.Values;

    public TaskItem? Find(string taskId) => _tasks.GetValueOrDefault(taskId);

    public bool IsReserved(string taskId) => _reservations.ContainsKey(taskId);

    /// <summary>Whether the board holds <paramref name="taskId"/> without its (long) description.</summary>
    public bool IsElided(string taskId) => _elided.Contains(taskId);

    /// <summary>A task as stored now (<paramref name="task"/>), or its deletion (null); its reservation, if any, is released.</summary>
    public void Apply(string taskId, TaskItem? task)
    {
        Release(taskId);
        if (_tasks.Remove(taskId, out var old))
        {
            _columns[Column(old)].Remove(old);
            _byCreation.Remove(old);
        }

        _elided.Remove(taskId);
        if (task is null)
        {
            _respread.Remove(taskId);
            return;
        }

        if (task.Description is { Length: > BoardLimits.DescriptionKept })
        {
            // Long descriptions stay in storage: the page that shows one reads it back (ProjectGrain.ListTasks).
            _elided.Add(taskId);
            task = task with { Description = null };
        }

        if (_respread.TryGetValue(taskId, out var respread))
        {
            // A write that began before the respread carries the old rank; the respread one is on its way to storage.
            if (respread.Column != Column(task) || respread.Rank == task.Rank)
            {
                _respread.Remove(taskId);
            }
            else
            {
                task = task with { Rank = respread.Rank };
            }
        }

        task = Shared(task);
        _tasks[taskId] = task;
        _columns[Column(task)].Add(task);
        _byCreation.Add(task);
    }

    /// <summary>Releases the rank reserved for <paramref name="taskId"/>'s write, which will not happen.</summary>
    public void Release(string taskId)
    {
        if (_reservations.Remove(taskId, out var reservation))
        {
            _reserved[reservation.Column].Remove(reservation.Rank);
        }
    }

    /// <summary>
    /// Decides where task <paramref name="taskId"/> goes in column <paramref name="status"/>: directly after
    /// <paramref name="afterId"/>, directly before <paramref name="beforeId"/> (both: between them, which must be
    /// neighbours), or at the end; and reserves the rank. A neighbour not in the column, or the task itself, is a
    /// conflict: the caller's board is stale.
    /// </summary>
    public Placement Place(string taskId, TaskItemStatus status, string? afterId, string? beforeId)
    {
        var column = (int)status;
        var self = Find(taskId);
        var inColumn = self is not null && Column(self) == column;
        TaskItem? lower;
        TaskItem? upper;
        if (afterId is not null)
        {
            if (Neighbour(afterId, taskId, column) is not { } after)
            {
                return Placement.Stale($"afterId {afterId} is not another task of column {WireNames.Of(status)}");
            }

            lower = after;
            upper = Next(column, after, skip: taskId);
            if (beforeId is not null && upper?.Id != beforeId)
            {
                return Placement.Stale($"beforeId {beforeId} is not the task after {afterId} in column {WireNames.Of(status)}");
            }
        }
        else if (beforeId is not null)
        {
            if (Neighbour(beforeId, taskId, column) is not { } before)
            {
                return Placement.Stale($"beforeId {beforeId} is not another task of column {WireNames.Of(status)}");
            }

            upper = before;
            lower = Previous(column, before, skip: taskId);
        }
        else
        {
            upper = null;
            lower = Last(column, skip: taskId);
        }

        // Already there, with no write in flight landing next to it: nothing to write.
        if (inColumn && string.CompareOrdinal(self!.Rank, lower?.Rank ?? "") > 0 && (upper is null || string.CompareOrdinal(self.Rank, upper.Rank) < 0)
            && !HasReservedBetween(column, lower?.Rank, upper?.Rank ?? "~"))
        {
            return Placement.Keep;
        }

        var (low, high) = Room(column, lower?.Rank, upper?.Rank);
        var rank = Ranks.Between(low, high);
        IReadOnlyList<Rerank> reranks = [];
        if (rank.Length > RankLimits.Max && Respread(column, taskId, lower, upper) is { } spread)
        {
            (rank, reranks) = spread;
        }

        Reserve(taskId, column, rank, isNew: self is null);
        return new Placement(rank, reranks, null);
    }

    /// <summary>Tasks assigned to <paramref name="userId"/>, shown from now on without an assignee; their ids, for repair.</summary>
    public IReadOnlyList<string> Unassign(string userId) =>
        Rewrite(task => task.AssigneeId == userId, task => task with { AssigneeId = null });

    /// <summary>Tasks labelled <paramref name="labelId"/>, shown from now on without it; their ids, for repair.</summary>
    public IReadOnlyList<string> RemoveLabel(string labelId) =>
        Rewrite(task => task.LabelIds.Contains(labelId), task => task with { LabelIds = [.. task.LabelIds.Where(id => id != labelId)] });

    /// <summary>
    /// One page: the tasks after the cursor in the query's order that match its filters, at most
    /// <see cref="TaskQuery.Limit"/> of them and at most <paramref name="scanLimit"/> looked at, so no request costs
    /// more than that however rare its matches. Null when the cursor is not one of this query's.
    /// </summary>
    public TaskPage? Page(TaskQuery query, int scanLimit)
    {
        BoardCursor.Position? from = null;
        if (query.Cursor is { } cursor)
        {
            if (BoardCursor.Decode(cursor, query) is not { } position)
            {
                return null;
            }

            from = position;
        }

        var items = new List<TaskItem>(Math.Min(query.Limit, 64));
        TaskItem? last = null;
        var scanned = 0;
        var more = false;
        foreach (var task in Sequence(query, from))
        {
            if (items.Count == query.Limit || scanned == scanLimit)
            {
                more = true;
                break;
            }

            scanned++;
            last = task;
            if (Matches(task, query))
            {
                items.Add(task);
            }
        }

        return new TaskPage(items, more ? BoardCursor.Encode(query, last!) : null);
    }

    // -- order and neighbours

    private static int Column(TaskItem task) => (int)task.Status;

    private TaskItem? Neighbour(string id, string taskId, int column) =>
        id != taskId && Find(id) is { } task && Column(task) == column ? task : null;

    private TaskItem? Next(int column, TaskItem from, string skip)
    {
        var set = _columns[column];
        foreach (var task in set.GetViewBetween(from, set.Max!))
        {
            if (task.Id != from.Id && task.Id != skip)
            {
                return task;
            }
        }

        return null;
    }

    private TaskItem? Previous(int column, TaskItem from, string skip)
    {
        var set = _columns[column];
        foreach (var task in set.GetViewBetween(set.Min!, from).Reverse())
        {
            if (task.Id != from.Id && task.Id != skip)
            {
                return task;
            }
        }

        return null;
    }

    private TaskItem? Last(int column, string skip)
    {
        foreach (var task in _columns[column].Reverse())
        {
            if (task.Id != skip)
            {
                return task;
            }
        }

        return null;
    }

    /// <summary>The open interval a new rank may take between two neighbours, narrowed past ranks reserved inside it.</summary>
    private (string? Low, string? High) Room(int column, string? low, string? high)
    {
        var reserved = _reserved[column];
        if (reserved.Count == 0)
        {
            return (low, high);
        }

        // Directly after the lower neighbour: below the first reservation above it (at the end: above the last).
        if (high is null)
        {
            var max = reserved.Max!;
            return (low is null || string.CompareOrdinal(max, low) > 0 ? max : low, null);
        }

        foreach (var rank in reserved.GetViewBetween(low ?? "", high))
        {
            if (rank != low && rank != high)
            {
                return (low, rank);
            }
        }

        return (low, high);
    }

    private bool HasReservedBetween(int column, string? low, string high)
    {
        foreach (var rank in _reserved[column].GetViewBetween(low ?? "", high))
        {
            if (rank != low && rank != high)
            {
                return true;
            }
        }

        return false;
    }

    private void Reserve(string taskId, int column, string rank, bool isNew)
    {
        Release(taskId);
        _reservations[taskId] = new Reservation(column, rank, isNew);
        _reserved[column].Add(rank);
    }

    /// <summary>
    /// The ranks of a crowded stretch respread: the tasks around the gap (widening the stretch until spread ranks are
    /// short) get evenly spaced ranks between the two tasks just outside it, the moving task its place among them. The
    /// board shows the new order at once; the project sends each task its rank. Null when a write in flight holds a
    /// rank inside the stretch (respreading then could misorder it): the long rank is used this once.
    /// </summary>
    private (string Rank, IReadOnlyList<Rerank> Reranks)? Respread(int column, string taskId, TaskItem? lower, TaskItem? upper)
    {
        var set = _columns[column];
        var below = lower is null ? [] : set.GetViewBetween(set.Min!, lower).Reverse().Where(t => t.Id != taskId);
        var above = upper is null ? [] : set.GetViewBetween(upper, set.Max!).Where(t => t.Id != taskId);
        for (var width = 4; ; width *= 4)
        {
            var left = below.Take(width + 1).ToList();
            var right = above.Take(width + 1).ToList();
            var low = left.Count > width ? left[width].Rank : null;
            var high = right.Count > width ? right[width].Rank : null;
            left = left.Take(width).Reverse().ToList();
            right = right.Take(width).ToList();
            if (HasReservedBetween(column, low, high ?? "~"))
            {
                return null;
            }

            var ranks = Ranks.Spread(low, high, left.Count + 1 + right.Count);
            var exhausted = low is null && high is null;
            if (ranks.Max(r => r.Length) > RankLimits.Max - 2 && !exhausted)
            {
                continue;
            }

            var reranks = new List<Rerank>();
            var window = left.Append(null).Concat(right).ToList();
            string? own = null;
            for (var i = 0; i < window.Count; i++)
            {
                if (window[i] is not { } task)
                {
                    own = ranks[i];
                }
                else if (task.Rank != ranks[i])
                {
                    reranks.Add(new Rerank(task.Id, task.Status, task.Rank, ranks[i]));
                }
            }

            foreach (var rerank in reranks)
            {
                var task = _tasks[rerank.TaskId];
                _respread[rerank.TaskId] = (column, rerank.Rank);
                set.Remove(task);
                _byCreation.Remove(task);
                task = task with { Rank = rerank.Rank };
                _tasks[rerank.TaskId] = task;
                set.Add(task);
                _byCreation.Add(task);
            }

            return (own!, reranks);
        }
    }

    private List<string> Rewrite(Func<TaskItem, bool> affected, Func<TaskItem, TaskItem> rewrite)
    {
        var ids = _tasks.Values.Where(affected).Select(t => t.Id).ToList();
        foreach (var id in ids)
        {
            var task = _tasks[id];
            _columns[Column(task)].Remove(task);
            _byCreation.Remove(task);
            task = rewrite(task);
            _tasks[id] = task;
            _columns[Column(task)].Add(task);
            _byCreation.Add(task);
        }

        return ids;
    }

    // -- pages

    private IEnumerable<TaskItem> Sequence(TaskQuery query, BoardCursor.Position? from)
    {
        if (query.Order == TaskOrder.Created)
        {
            return After(_byCreation, from is null ? null : Probe(from.Value.Id, ""));
        }

        var columns = query.Status is { } status ? [(int)status] : Enumerable.Range(0, ColumnCount);
        return columns
            .Where(column => from is null || column >= from.Value.Column)
            .SelectMany(column => After(_columns[column], from is { } f && f.Column == column ? Probe(f.Id, f.Rank) : null));
    }

    private static IEnumerable<TaskItem> After(SortedSet<TaskItem> set, TaskItem? probe)
    {
        if (probe is null)
        {
            return set;
        }

        if (set.Count == 0 || set.Comparer.Compare(probe, set.Max!) >= 0)
        {
            return [];
        }

        return set.GetViewBetween(probe, set.Max!).Where(task => set.Comparer.Compare(task, probe) > 0);
    }

    private static bool Matches(TaskItem task, TaskQuery query) =>
        (query.Status is not { } status || task.Status == status)
        && (query.AssigneeId is not { } assignee || (assignee == TaskQuery.Unassigned ? task.AssigneeId is null : task.AssigneeId == assignee))
        && (query.LabelId is not { } label || task.LabelIds.Contains(label))
        && (query.DueBefore is not { } due || (task.DueDate is { } date && date <= due))
        && (query.Text is not { } text || task.Title.Contains(text, StringComparison.OrdinalIgnoreCase));

    /// <summary>A stand-in with only the members the comparers read.</summary>
    private static TaskItem Probe(string id, string rank) =>
        new(id, "", "", null, default, default, null, null, [], rank, 0, default, "", default, "", 0);

    // -- memory

    /// <summary>One instance of each person's and label's id for the whole board, instead of one per task that names it.</summary>
    private string Intern(string id)
    {
        if (_ids.TryGetValue(id, out var shared))
        {
            return shared;
        }

        _ids[id] = id;
        return id;
    }

    private TaskItem Shared(TaskItem task) => task with
    {
        AssigneeId = task.AssigneeId is { } assignee ? Intern(assignee) : null,
        CreatedBy = Intern(task.CreatedBy),
        UpdatedBy = Intern(task.UpdatedBy),
        LabelIds = task.LabelIds.Count == 0 ? [] : [.. task.LabelIds.Select(Intern)],
    };

    private readonly record struct Reservation(int Column, string Rank, bool IsNew);
}

/// <summary>Where a task goes: its rank (null: it stays where it is), the tasks respread around it, or why it cannot.</summary>
internal sealed record Placement(string? Rank, IReadOnlyList<Rerank> Reranks, string? Conflict)
{
    public static Placement Keep { get; } = new(null, [], null);

    public static Placement Stale(string reason) => new(null, [], reason);
}

/// <summary>A task the board respread: it is to store <see cref="Rank"/> if it is still in <see cref="Status"/> at <see cref="FromRank"/>.</summary>
internal sealed record Rerank(string TaskId, TaskItemStatus Status, string FromRank, string Rank);
