using Cumin.Tasks;

namespace Cumin.Grains.Board;

/// <summary>
/// Where a task goes on the board: its neighbours in the column, the room between them past the ranks of writes in
/// flight, the rank reserved until its write lands, and the respread of a stretch whose ranks grew too long.
/// </summary>
internal sealed partial class TaskBoard
{
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
