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
/// and the largest board the limits allow stays bounded. Placing a task is in TaskBoard.Placement.cs, reading a page in
/// TaskBoard.Pages.cs.
/// </remarks>
internal sealed partial class TaskBoard
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

    /// <summary>Tasks assigned to <paramref name="userId"/>, shown from now on without an assignee; their ids, for repair.</summary>
    public IReadOnlyList<string> Unassign(string userId) =>
        Rewrite(task => task.AssigneeId == userId, task => task with { AssigneeId = null });

    /// <summary>Tasks labelled <paramref name="labelId"/>, shown from now on without it; their ids, for repair.</summary>
    public IReadOnlyList<string> RemoveLabel(string labelId) =>
        Rewrite(task => task.LabelIds.Contains(labelId), task => task with { LabelIds = [.. task.LabelIds.Where(id => id != labelId)] });

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

    private static int Column(TaskItem task) => (int)task.Status;

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
}
