using Cumin.Grains.Board;
using Cumin.Tasks;

namespace Cumin.Grains.Tests;

/// <summary>The board's own logic, without grains: placing, reserving, respreading, paging.</summary>
public sealed class TaskBoardTests
{
    private static int _ids;

    [Fact]
    public void Tasks_go_after_before_and_at_the_end_of_a_column()
    {
        var board = new TaskBoard();
        var a = Add(board, TaskItemStatus.Todo);
        var b = Add(board, TaskItemStatus.Todo);
        var c = Add(board, TaskItemStatus.Todo);
        Assert.Equal([a, b, c], Column(board, TaskItemStatus.Todo));

        Move(board, c, TaskItemStatus.Todo, afterId: a);
        Assert.Equal([a, c, b], Column(board, TaskItemStatus.Todo));
        Move(board, a, TaskItemStatus.Todo, beforeId: b);
        Assert.Equal([c, a, b], Column(board, TaskItemStatus.Todo));
        Move(board, c, TaskItemStatus.Todo);
        Assert.Equal([a, b, c], Column(board, TaskItemStatus.Todo));
        Move(board, b, TaskItemStatus.Done);
        Assert.Equal([a, c], Column(board, TaskItemStatus.Todo));
        Assert.Equal([b], Column(board, TaskItemStatus.Done));

        // Already where it is asked to go: nothing to write.
        Assert.Null(board.Place(a, TaskItemStatus.Todo, null, c).Rank);
        Assert.Null(board.Place(c, TaskItemStatus.Todo, null, null).Rank);
    }

    [Fact]
    public void A_neighbour_outside_the_column_or_the_task_itself_is_a_stale_board()
    {
        var board = new TaskBoard();
        var a = Add(board, TaskItemStatus.Todo);
        var b = Add(board, TaskItemStatus.Todo);
        var done = Add(board, TaskItemStatus.Done);

        Assert.NotNull(board.Place(a, TaskItemStatus.Todo, done, null).Conflict);
        Assert.NotNull(board.Place(a, TaskItemStatus.Todo, a, null).Conflict);
        Assert.NotNull(board.Place(a, TaskItemStatus.Todo, null, "01JNOSUCHTASK000000000000").Conflict);
        // Both neighbours: they must be next to each other.
        var c = Add(board, TaskItemStatus.Todo);
        Assert.NotNull(board.Place(c, TaskItemStatus.Todo, a, c).Conflict);
        Assert.Null(board.Place(c, TaskItemStatus.Todo, a, b).Conflict);
    }

    [Fact]
    public void Ranks_handed_to_writes_in_flight_are_never_handed_out_again()
    {
        var board = new TaskBoard();
        var a = Add(board, TaskItemStatus.Todo);
        var b = Add(board, TaskItemStatus.Todo);
        var movers = Enumerable.Range(0, 20).Select(_ => Add(board, TaskItemStatus.Done)).ToList();

        // Twenty moves decided before any of them is stored, all "directly after a".
        var ranks = movers.Select(m => board.Place(m, TaskItemStatus.Todo, a, null).Rank!).ToList();
        Assert.Equal(ranks.Count, ranks.Distinct(StringComparer.Ordinal).Count());
        var rankOfA = board.Find(a)!.Rank;
        var rankOfB = board.Find(b)!.Rank;
        Assert.All(ranks, r => Assert.True(string.CompareOrdinal(rankOfA, r) < 0 && string.CompareOrdinal(r, rankOfB) < 0));

        // And to the end of the column: after every reservation too.
        var last = Add(board, TaskItemStatus.Done);
        var end = board.Place(last, TaskItemStatus.Todo, null, null).Rank!;
        Assert.All(ranks, r => Assert.True(string.CompareOrdinal(r, end) < 0));
        Assert.True(string.CompareOrdinal(rankOfB, end) < 0);

        // A released reservation may be used again.
        board.Release(movers[^1]);
        Assert.Equal(ranks[^1], board.Place(movers[^1], TaskItemStatus.Todo, a, null).Rank);
    }

    [Fact]
    public void Ranks_stay_short_under_repeated_moves_between_the_same_two_neighbours()
    {
        var board = new TaskBoard();
        var tasks = Enumerable.Range(0, 30).Select(_ => Add(board, TaskItemStatus.Todo)).ToList();
        var (left, right) = (tasks[10], tasks[11]);
        var x = tasks[20];
        var y = tasks[21];
        var reranked = 0;
        for (var i = 0; i < 2_000; i++)
        {
            // x and y take turns squeezing in directly after `left`: every insert lands in the same shrinking gap.
            var mover = i % 2 == 0 ? x : y;
            var placement = board.Place(mover, TaskItemStatus.Todo, left, null);
            Assert.Null(placement.Conflict);
            reranked += placement.Reranks.Count;
            board.Apply(mover, board.Find(mover)! with { Rank = placement.Rank! });
            foreach (var rerank in placement.Reranks)
            {
                // The task grain stores the respread rank and reports it.
                board.Apply(rerank.TaskId, board.Find(rerank.TaskId)! with { Rank = rerank.Rank });
            }

            Assert.True(board.Find(mover)!.Rank.Length <= RankLimits.Max, board.Find(mover)!.Rank);
        }

        // The last move was y's, directly after `left`, so the two movers sit there in that order; nothing else moved.
        var column = Column(board, TaskItemStatus.Todo);
        Assert.Equal(30, column.Count);
        var at = column.IndexOf(left);
        Assert.Equal([left, y, x, right], column.GetRange(at, 4));
        Assert.Equal(tasks.Where(t => t != x && t != y), column.Where(t => t != x && t != y));
        Assert.All(column.Select(id => board.Find(id)!.Rank), r => Assert.True(r.Length <= RankLimits.Max, r));
        // Respreads are rare and small: far fewer rewrites of other tasks than moves.
        Assert.InRange(reranked, 1, 2_000);
    }

    [Fact]
    public void A_filtered_page_looks_at_no_more_tasks_than_the_scan_limit_and_says_where_to_go_on()
    {
        var board = new TaskBoard();
        for (var i = 0; i < 120; i++)
        {
            Add(board, TaskItemStatus.Todo);
        }

        var wanted = Add(board, TaskItemStatus.Todo, title: "Plant the chillies");
        var query = new TaskQuery { Text = "chilli", Limit = 1 };
        var first = board.Page(query, scanLimit: 50)!;
        Assert.Empty(first.Items);
        Assert.NotNull(first.NextCursor);

        var found = new List<TaskItem>();
        var pages = 1;
        for (var page = first; page.NextCursor is not null; pages++)
        {
            page = board.Page(query with { Cursor = page.NextCursor }, scanLimit: 50)!;
            found.AddRange(page.Items);
        }

        Assert.Equal([wanted], found.Select(t => t.Id));
        Assert.Equal(3, pages);
        // A cursor of one query means nothing to another.
        Assert.Null(board.Page(query with { Text = "basil", Cursor = first.NextCursor }, 50));
        Assert.Null(board.Page(query with { Order = TaskOrder.Rank, Cursor = first.NextCursor }, 50));
    }

    [Fact]
    public void Rank_order_lists_columns_in_board_order_and_filters_combine()
    {
        var board = new TaskBoard();
        var done = Add(board, TaskItemStatus.Done, assignee: "01JUSERA00000000000000000");
        var todo = Add(board, TaskItemStatus.Todo, labels: ["01JLABELA0000000000000000"], due: new DateOnly(2026, 12, 1));
        var doing = Add(board, TaskItemStatus.InProgress);
        var todo2 = Add(board, TaskItemStatus.Todo, assignee: "01JUSERA00000000000000000", due: new DateOnly(2027, 1, 1));

        Assert.Equal([todo, todo2, doing, done], board.Page(new TaskQuery { Order = TaskOrder.Rank }, 100)!.Items.Select(t => t.Id));
        Assert.Equal([done, todo, doing, todo2], board.Page(new TaskQuery(), 100)!.Items.Select(t => t.Id));
        Assert.Equal([todo2], board.Page(new TaskQuery { Status = TaskItemStatus.Todo, AssigneeId = "01JUSERA00000000000000000" }, 100)!.Items.Select(t => t.Id));
        Assert.Equal([todo, doing], board.Page(new TaskQuery { AssigneeId = TaskQuery.Unassigned }, 100)!.Items.Select(t => t.Id));
        Assert.Equal([todo], board.Page(new TaskQuery { LabelId = "01JLABELA0000000000000000" }, 100)!.Items.Select(t => t.Id));
        Assert.Equal([todo], board.Page(new TaskQuery { DueBefore = new DateOnly(2026, 12, 31) }, 100)!.Items.Select(t => t.Id));
    }

    [Fact]
    public void Removing_a_member_or_a_label_shows_every_task_without_them_at_once()
    {
        var board = new TaskBoard();
        var a = Add(board, TaskItemStatus.Todo, assignee: "01JUSERA00000000000000000", labels: ["01JLABELA0000000000000000", "01JLABELB0000000000000000"]);
        var b = Add(board, TaskItemStatus.Todo, assignee: "01JUSERB00000000000000000");

        Assert.Equal([a], board.Unassign("01JUSERA00000000000000000"));
        Assert.Null(board.Find(a)!.AssigneeId);
        Assert.Equal("01JUSERB00000000000000000", board.Find(b)!.AssigneeId);
        Assert.Equal([a], board.RemoveLabel("01JLABELA0000000000000000"));
        Assert.Equal(["01JLABELB0000000000000000"], board.Find(a)!.LabelIds);
    }

    [Fact]
    public void A_description_longer_than_the_board_keeps_is_left_in_storage()
    {
        var board = new TaskBoard();
        var id = Add(board, TaskItemStatus.Todo);
        board.Apply(id, board.Find(id)! with { Description = new string('d', BoardLimits.DescriptionKept + 1) });
        Assert.True(board.IsElided(id));
        Assert.Null(board.Find(id)!.Description);
        board.Apply(id, board.Find(id)! with { Description = "short" });
        Assert.False(board.IsElided(id));
        Assert.Equal("short", board.Find(id)!.Description);
    }

    private static string Add(TaskBoard board, TaskItemStatus status, string title = "t", string? assignee = null, IReadOnlyList<string>? labels = null, DateOnly? due = null)
    {
        var id = $"01JTASK{Interlocked.Increment(ref _ids):D18}";
        var rank = board.Place(id, status, null, null).Rank!;
        board.Apply(id, new TaskItem(id, "p", title, null, status, TaskPriority.Medium, assignee, due, labels ?? [], rank, 0,
            DateTimeOffset.UnixEpoch, "u", DateTimeOffset.UnixEpoch, "u", 1));
        return id;
    }

    private static void Move(TaskBoard board, string id, TaskItemStatus status, string? afterId = null, string? beforeId = null)
    {
        var placement = board.Place(id, status, afterId, beforeId);
        Assert.Null(placement.Conflict);
        board.Apply(id, board.Find(id)! with { Status = status, Rank = placement.Rank ?? board.Find(id)!.Rank });
    }

    private static List<string> Column(TaskBoard board, TaskItemStatus status) =>
        [.. board.Page(new TaskQuery { Status = status, Order = TaskOrder.Rank, Limit = 200 }, 10_000)!.Items.Select(t => t.Id)];
}
