using Cumin.Tasks;

namespace Cumin.Grains.Board;

/// <summary>The board read a page at a time: by column and rank or by creation, filtered, resumed from a cursor.</summary>
internal sealed partial class TaskBoard
{
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
}
