using Amazon.DynamoDBv2.Model;
using Cumin.Grains.Board;
using Cumin.Primitives;
using Cumin.Projects;
using Cumin.Tasks;
using Cumin.Testing;
using Orleans.Runtime;

namespace Cumin.Grains.Tests;

/// <summary>
/// Order within a column, decided by the project from the board it keeps in memory: moves, their conflicts and
/// concurrency, what they cost in storage, and the board index the project reads it back from.
/// </summary>
[Collection(GrainClusterCollection.Name)]
public sealed class BoardGrainTests(GrainCluster fixture)
{
    [Fact]
    public async Task Moves_order_a_column_and_the_order_survives_the_project_reading_it_back()
    {
        var p = await BoardProject.CreateAsync(fixture.Grains);
        var tasks = await p.AddTasksAsync(5);
        var (a, b, c, d, e) = (tasks[0].Id, tasks[1].Id, tasks[2].Id, tasks[3].Id, tasks[4].Id);
        Assert.Equal([a, b, c, d, e], await p.ColumnAsync(TaskItemStatus.Todo));

        await p.MoveAsync(e, afterId: a);
        await p.MoveAsync(a, beforeId: d);
        await p.MoveAsync(b);
        var moved = await p.MoveAsync(c, TaskItemStatus.Done);
        Assert.Equal(TaskItemStatus.Done, moved.Status);
        Assert.Equal(2, moved.Version);
        var expected = new List<string> { e, a, d, b };
        Assert.Equal(expected, await p.ColumnAsync(TaskItemStatus.Todo));
        Assert.Equal([c], await p.ColumnAsync(TaskItemStatus.Done));

        // The next activation reads the board index: same order.
        await fixture.Cluster.DeactivateAsync(p.Project.GetGrainId());
        Assert.Equal(expected, await p.ColumnAsync(TaskItemStatus.Todo));
        Assert.Equal(expected, await StoredColumnAsync(p.ProjectId, TaskItemStatus.Todo));

        // Board order: column by column, then rank.
        var board = await p.ListAllAsync(new TaskQuery { Order = TaskOrder.Rank });
        Assert.Equal([.. expected, c], board.Select(t => t.Id));
    }

    /// <summary>
    /// Issue 15: a write whose answer was lost may have landed. The board must then show what storage holds, not what
    /// it held before (it had shown one move the list did not, after a DynamoDB cut).
    /// </summary>
    [Fact]
    public async Task After_a_write_whose_answer_was_lost_the_board_shows_what_storage_holds()
    {
        var p = await BoardProject.CreateAsync(fixture.Grains);
        var tasks = await p.AddTasksAsync(3);
        var (a, b, c) = (tasks[0].Id, tasks[1].Id, tasks[2].Id);
        Assert.Equal([a, b, c], await p.ColumnAsync(TaskItemStatus.Todo));

        fixture.Faults.LoseNextPutAnswer(a);
        await Assert.ThrowsAnyAsync<Exception>(() => p.Task(a).Update(p.Owner.Id, new TaskPatch { Title = "landed anyway", Status = TaskItemStatus.Done }, null));
        fixture.Faults.LoseNextPutAnswer(b);
        await Assert.ThrowsAnyAsync<Exception>(() => p.Task(b).Move(p.Owner.Id, new TaskMove(TaskItemStatus.Todo, c, null), null));
        fixture.Faults.LoseNextDeleteAnswer(c);
        await Assert.ThrowsAnyAsync<Exception>(() => p.Task(c).Delete(p.Owner.Id));

        var stored = await StoredColumnAsync(p.ProjectId, TaskItemStatus.Todo);
        Assert.Equal([b], stored);
        Assert.Equal(stored, await p.ColumnAsync(TaskItemStatus.Todo));
        var done = Assert.Single(await p.ListAllAsync(new TaskQuery { Status = TaskItemStatus.Done }));
        Assert.Equal((a, "landed anyway"), (done.Id, done.Title));

        // And the board goes on from there: the next write is decided on what storage holds.
        var moved = await p.MoveAsync(a, TaskItemStatus.Todo, beforeId: b);
        Assert.Equal([a, b], await p.ColumnAsync(TaskItemStatus.Todo));
        Assert.Equal([a, b], await StoredColumnAsync(p.ProjectId, TaskItemStatus.Todo));
        Assert.Equal(TaskItemStatus.Todo, moved.Status);
    }

    /// <summary>
    /// Issue 15: a silo's graceful stop deactivates a project while creates are under way. The create's task grain once
    /// reported its write by a call back into the project, which Orleans does not deliver to a deactivating activation:
    /// the create waited out the response timeout and the client got a 503. The task grain now answers what it wrote.
    /// </summary>
    [Fact]
    public async Task A_create_under_way_completes_and_is_on_the_board_when_its_project_deactivates_meanwhile()
    {
        var p = await BoardProject.CreateAsync(fixture.Grains);
        var before = await p.AddTaskAsync("before");

        var hold = fixture.Faults.HoldNextPutIn(p.ProjectId);
        var creating = p.Project.CreateTask(p.Owner.Id, new TaskDraft("during", null, TaskItemStatus.Todo, TaskPriority.Medium, null, null, null));
        await hold.Reached.WaitAsync(TimeSpan.FromSeconds(30));
        var deactivated = fixture.Cluster.DeactivateAsync(p.Project.GetGrainId());
        hold.Release();

        var reply = await creating;
        Assert.True(reply.IsOk, reply.Detail);
        await deactivated;

        // The next activation reads the board from storage: the task is there, after the one before it.
        Assert.Equal([before.Id, reply.Value!.Id], await p.ColumnAsync(TaskItemStatus.Todo));
        Assert.Equal([before.Id, reply.Value.Id], await StoredColumnAsync(p.ProjectId, TaskItemStatus.Todo));
    }

    [Fact]
    public async Task A_status_change_puts_the_task_at_the_end_of_its_new_column()
    {
        var p = await BoardProject.CreateAsync(fixture.Grains);
        var done = await p.AddTasksAsync(3, TaskItemStatus.Done);
        var todo = await p.AddTaskAsync("finish me");

        var updated = await p.Task(todo.Id).Update(p.Owner.Id, new TaskPatch { Status = TaskItemStatus.Done }, null);
        Assert.True(updated.IsOk, updated.Detail);
        Assert.Equal([.. done.Select(t => t.Id), todo.Id], await p.ColumnAsync(TaskItemStatus.Done));
        Assert.True(string.CompareOrdinal(done[^1].Rank, updated.Value!.Rank) < 0);
    }

    [Fact]
    public async Task A_stale_move_is_a_conflict_and_changes_nothing()
    {
        var p = await BoardProject.CreateAsync(fixture.Grains);
        var todo = await p.AddTasksAsync(2);
        var done = await p.AddTaskAsync("elsewhere", TaskItemStatus.Done);

        var inOtherColumn = await p.Task(todo[0].Id).Move(p.Owner.Id, new TaskMove(null, done.Id, null), null);
        var itself = await p.Task(todo[0].Id).Move(p.Owner.Id, new TaskMove(null, todo[0].Id, null), null);
        var unknown = await p.Task(todo[0].Id).Move(p.Owner.Id, new TaskMove(TaskItemStatus.Todo, null, "01JNOSUCHTASK000000000000"), null);
        var staleVersion = await p.Task(todo[0].Id).Move(p.Owner.Id, new TaskMove(null, todo[1].Id, null), expectedVersion: 7);

        Assert.Equal(Outcome.Conflict, inOtherColumn.Outcome);
        Assert.Equal(Outcome.Conflict, itself.Outcome);
        Assert.Equal(Outcome.Conflict, unknown.Outcome);
        Assert.Equal(Outcome.PreconditionFailed, staleVersion.Outcome);
        Assert.Equal([todo[0].Id, todo[1].Id], await p.ColumnAsync(TaskItemStatus.Todo));
        Assert.Equal(1, (await p.Task(todo[0].Id).Get(p.Owner.Id)).Value!.Version);
    }

    [Fact]
    public async Task Sixteen_concurrent_movers_in_one_column_never_give_two_tasks_one_rank()
    {
        var p = await BoardProject.CreateAsync(fixture.Grains);
        var tasks = await p.AddManyTasksAsync(40);
        var ids = tasks.Select(t => t.Id).ToList();
        await Task.WhenAll(Enumerable.Range(0, 16).Select(mover => Task.Run(async () =>
        {
            var random = new Random(mover);
            for (var i = 0; i < 25; i++)
            {
                var task = ids[random.Next(ids.Count)];
                var neighbour = ids[random.Next(ids.Count)];
                if (neighbour == task)
                {
                    continue;
                }

                var move = random.Next(3) switch
                {
                    0 => new TaskMove(null, neighbour, null),
                    1 => new TaskMove(null, null, neighbour),
                    _ => new TaskMove(null, null, null),
                };
                var reply = await p.Task(task).Move(p.Owner.Id, move, null);
                Assert.True(reply.IsOk, reply.Detail);
            }
        })));

        var column = await p.ListAllAsync(new TaskQuery { Status = TaskItemStatus.Todo, Order = TaskOrder.Rank });
        Assert.Equal(40, column.Count);
        Assert.Equal(40, column.Select(t => t.Rank).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(column.Select(t => t.Rank).Order(StringComparer.Ordinal), column.Select(t => t.Rank));

        // What the board shows is what storage holds, rank for rank.
        await Eventually.TrueAsync(async () => (await StoredColumnAsync(p.ProjectId, TaskItemStatus.Todo)).SequenceEqual(column.Select(t => t.Id)), "storage agrees with the board");
    }

    [Fact]
    public async Task Ranks_stay_bounded_when_two_tasks_keep_swapping_between_the_same_neighbours()
    {
        var p = await BoardProject.CreateAsync(fixture.Grains);
        var tasks = await p.AddTasksAsync(8);
        var (left, x, y) = (tasks[2].Id, tasks[6].Id, tasks[7].Id);
        for (var i = 0; i < 150; i++)
        {
            var moved = await p.MoveAsync(i % 2 == 0 ? x : y, afterId: left);
            Assert.True(moved.Rank.Length <= RankLimits.Max + 2, moved.Rank);
        }

        var column = await p.ColumnAsync(TaskItemStatus.Todo);
        Assert.Equal([tasks[0].Id, tasks[1].Id, left, y, x, tasks[3].Id, tasks[4].Id, tasks[5].Id], column);
        // Respread ranks are stored too: the next activation reads the same order.
        await Eventually.TrueAsync(async () => (await StoredColumnAsync(p.ProjectId, TaskItemStatus.Todo)).SequenceEqual(column), "storage agrees with the board");
        await fixture.Cluster.DeactivateAsync(p.Project.GetGrainId());
        Assert.Equal(column, await p.ColumnAsync(TaskItemStatus.Todo));
        var ranks = (await p.ListAllAsync(new TaskQuery { Status = TaskItemStatus.Todo, Order = TaskOrder.Rank })).Select(t => t.Rank).ToList();
        Assert.All(ranks, r => Assert.True(r.Length <= RankLimits.Max, r));
    }

    [Fact]
    public async Task A_move_costs_one_storage_write_whatever_the_size_of_its_column_and_lists_cost_none()
    {
        var p = await BoardProject.CreateAsync(fixture.Grains);
        var tasks = await p.AddManyTasksAsync(150);
        Assert.Equal(150, (await p.ColumnAsync(TaskItemStatus.Todo)).Count);

        var before = Counts(p.ProjectId);
        var random = new Random(3);
        for (var i = 0; i < 20; i++)
        {
            await p.MoveAsync(tasks[random.Next(100)].Id, afterId: tasks[100 + random.Next(50)].Id);
        }

        var after = Counts(p.ProjectId);
        Assert.Equal(20, after.Puts - before.Puts);
        Assert.Equal(0, after.Reads - before.Reads);

        for (var i = 0; i < 10; i++)
        {
            await p.ListAllAsync(new TaskQuery { Order = i % 2 == 0 ? TaskOrder.Rank : TaskOrder.Created });
        }

        Assert.Equal(after, Counts(p.ProjectId));
    }

    /// <summary>
    /// Issue 12, finding 9: a filter that matches almost nothing used to read the whole project from storage while
    /// the project waited. Now one request looks at a bounded number of tasks in memory and says where to go on.
    /// </summary>
    [Fact]
    public async Task A_filter_that_matches_little_answers_short_pages_each_bounded_in_work()
    {
        var p = await BoardProject.CreateAsync(fixture.Grains);
        await p.AddManyTasksAsync(GrainCluster.ScanLimit * 2 + 10);
        var done = await p.AddTaskAsync("the only one", TaskItemStatus.Done);
        var queriesBefore = fixture.Storage.Of(p.ProjectId, "QueryAsync");

        var first = await p.Project.ListTasks(p.Owner.Id, new TaskQuery { Status = TaskItemStatus.Done, Limit = 1 });
        Assert.True(first.IsOk);
        // In creation order the done task comes last: the first page looked at its bound and stopped short.
        Assert.Empty(first.Value!.Items);
        Assert.NotNull(first.Value.NextCursor);

        var found = await p.ListAllAsync(new TaskQuery { Status = TaskItemStatus.Done });
        Assert.Equal([done.Id], found.Select(t => t.Id));
        Assert.Equal(queriesBefore, fixture.Storage.Of(p.ProjectId, "QueryAsync"));
    }

    [Fact]
    public async Task Filters_combine_with_status_and_order()
    {
        var p = await BoardProject.CreateAsync(fixture.Grains);
        var member = await p.AddMemberAsync(ProjectRole.Editor);
        var label = (await p.Project.CreateLabel(p.Owner.Id, "Herbs", "#22aa44")).Value!;
        var basil = await p.AddTaskAsync("Sow basil", assigneeId: member.Id, due: new DateOnly(2026, 12, 10), labels: [label.Id]);
        var thyme = await p.AddTaskAsync("Sow thyme", TaskItemStatus.InProgress, assigneeId: member.Id, due: new DateOnly(2027, 1, 10));
        var mint = await p.AddTaskAsync("Water mint", labels: [label.Id]);
        await p.AddTaskAsync("Order pots", TaskItemStatus.Done);

        async Task<List<string>> Ids(TaskQuery q) => [.. (await p.ListAllAsync(q)).Select(t => t.Id)];
        Assert.Equal([basil.Id, thyme.Id], await Ids(new TaskQuery { AssigneeId = member.Id }));
        Assert.Equal([thyme.Id], await Ids(new TaskQuery { AssigneeId = member.Id, Status = TaskItemStatus.InProgress }));
        Assert.Equal([basil.Id, mint.Id], await Ids(new TaskQuery { LabelId = label.Id, Order = TaskOrder.Rank }));
        Assert.Equal([basil.Id], await Ids(new TaskQuery { DueBefore = new DateOnly(2026, 12, 31) }));
        Assert.Equal([basil.Id, thyme.Id], await Ids(new TaskQuery { Text = "SOW" }));
        Assert.Equal([mint.Id], await Ids(new TaskQuery { AssigneeId = TaskQuery.Unassigned, Status = TaskItemStatus.Todo }));
        Assert.Equal([mint.Id], await Ids(new TaskQuery { AssigneeId = TaskQuery.Unassigned, LabelId = label.Id }));

        var bad = await p.Project.ListTasks(p.Owner.Id, new TaskQuery { Text = "sow", Cursor = Base64Cursor("b1|c|00000000|" + basil.Id) });
        Assert.Equal(Outcome.Invalid, bad.Outcome);
    }

    [Fact]
    public async Task A_long_description_is_not_kept_in_memory_but_every_page_shows_it()
    {
        var p = await BoardProject.CreateAsync(fixture.Grains);
        var longText = string.Concat(Enumerable.Repeat("Dig, compost, sow, water; ", 200))[..TaskLimits.DescriptionMax];
        var created = await p.Project.CreateTask(p.Owner.Id, new TaskDraft("Long one", longText, TaskItemStatus.Todo, TaskPriority.Low));
        Assert.True(created.IsOk, created.Detail);
        var shortOne = await p.AddTaskAsync("Short one");
        var edited = await p.Task(shortOne.Id).Update(p.Owner.Id, new TaskPatch { Description = Optional<string?>.Of(new string('x', BoardLimits.DescriptionKept + 1)) }, null);
        Assert.True(edited.IsOk);

        foreach (var order in new[] { TaskOrder.Created, TaskOrder.Rank })
        {
            var listed = await p.ListAllAsync(new TaskQuery { Order = order });
            Assert.Equal(longText, listed.Single(t => t.Id == created.Value!.Id).Description);
            Assert.Equal(edited.Value!.Description, listed.Single(t => t.Id == shortOne.Id).Description);
        }
    }

    private static string Base64Cursor(string text) => System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(text));

    private (int Puts, int Reads) Counts(string projectId) =>
        (fixture.Storage.Of(projectId, "PutItemAsync"),
         fixture.Storage.Of(projectId, "QueryAsync") + fixture.Storage.Of(projectId, "GetItemAsync"));

    /// <summary>A column as the board index stores it, read straight from DynamoDB.</summary>
    private async Task<List<string>> StoredColumnAsync(string projectId, TaskItemStatus status)
    {
        using var dynamo = LocalStack.DynamoDb();
        var ids = new List<string>();
        var request = new QueryRequest
        {
            TableName = fixture.Prefix + TableNames.Tasks,
            IndexName = TaskIndexes.Board,
            ConsistentRead = true,
            KeyConditionExpression = "pk = :pk AND begins_with(boardKey, :column)",
            ExpressionAttributeValues = new()
            {
                [":pk"] = new AttributeValue { S = projectId },
                [":column"] = new AttributeValue { S = $"{(int)status}:" },
            },
        };
        do
        {
            var page = await dynamo.QueryAsync(request);
            ids.AddRange(page.Items.Select(i => i["id"].S));
            request.ExclusiveStartKey = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (request.ExclusiveStartKey is not null);

        return ids;
    }
}
