using Amazon.DynamoDBv2.Model;
using Cumin.Labels;
using Cumin.Primitives;
using Cumin.Projects;
using Cumin.Tasks;
using Cumin.Testing;
using Orleans.Runtime;

namespace Cumin.Grains.Tests;

/// <summary>
/// Task fields that name other things of the project (its members, its labels): validated on every write, and gone
/// from every task, as every reader shows it, as soon as the thing they name is gone, with storage following.
/// </summary>
[Collection(GrainClusterCollection.Name)]
public sealed class LabelAndAssigneeTests(GrainCluster fixture)
{
    [Fact]
    public async Task Patch_follows_the_merge_rules_and_fields_are_stored_as_native_attributes()
    {
        var p = await BoardProject.CreateAsync(fixture.Grains);
        var member = await p.AddMemberAsync(ProjectRole.Editor);
        var herbs = (await p.Project.CreateLabel(p.Owner.Id, "Herbs", "#22aa44")).Value!;
        var pots = (await p.Project.CreateLabel(p.Owner.Id, "Pots", "#aa4422")).Value!;
        var created = await p.AddTaskAsync("Sow basil");
        var task = p.Task(created.Id);

        var set = await task.Update(member.Id, new TaskPatch
        {
            Description = Optional<string?>.Of("by the window"),
            AssigneeId = Optional<string?>.Of(member.Id),
            DueDate = Optional<DateOnly?>.Of(new DateOnly(2026, 12, 24)),
            LabelIds = [herbs.Id, pots.Id],
        }, 1);
        Assert.True(set.IsOk, set.Detail);
        Assert.Equal(member.Id, set.Value!.UpdatedBy);
        Assert.Equal(p.Owner.Id, set.Value.CreatedBy);

        var item = await StoredAsync(p.ProjectId, created.Id);
        Assert.Equal(member.Id, item["assigneeId"].S);
        Assert.Equal("2026-12-24", item["dueDate"].S);
        Assert.Equal([herbs.Id, pots.Id], item["labelIds"].L.Select(l => l.S));
        Assert.Equal(member.Id, item["updatedBy"].S);
        Assert.Equal($"0:{set.Value.Rank}", item["boardKey"].S);
        Assert.Equal($"2026-12-24#{created.Id}", item["assigneeKey"].S);

        // Left out: unchanged. Null: cleared. Labels: replaced.
        var cleared = (await task.Update(p.Owner.Id, new TaskPatch
        {
            AssigneeId = Optional<string?>.Of(null),
            DueDate = Optional<DateOnly?>.Of(null),
            LabelIds = [pots.Id],
        }, null)).Value!;
        Assert.Null(cleared.AssigneeId);
        Assert.Null(cleared.DueDate);
        Assert.Equal([pots.Id], cleared.LabelIds);
        Assert.Equal("by the window", cleared.Description);
        item = await StoredAsync(p.ProjectId, created.Id);
        Assert.False(item.ContainsKey("assigneeId"));
        Assert.False(item.ContainsKey("assigneeKey"));
        Assert.False(item.ContainsKey("dueDate"));
        Assert.Null((await task.Update(p.Owner.Id, new TaskPatch { Description = Optional<string?>.Of(null) }, null)).Value!.Description);
    }

    [Fact]
    public async Task An_assignee_must_be_a_member_and_labels_the_projects()
    {
        var p = await BoardProject.CreateAsync(fixture.Grains);
        var other = await BoardProject.CreateAsync(fixture.Grains);
        var foreignLabel = (await other.Project.CreateLabel(other.Owner.Id, "Theirs", "#000000")).Value!;
        var stranger = await fixture.Grains.RegisterAsync("Stranger");
        var task = p.Task((await p.AddTaskAsync()).Id);

        Assert.Equal(Outcome.Invalid, (await task.Update(p.Owner.Id, new TaskPatch { AssigneeId = Optional<string?>.Of(stranger.Id) }, null)).Outcome);
        Assert.Equal(Outcome.Invalid, (await task.Update(p.Owner.Id, new TaskPatch { LabelIds = [foreignLabel.Id] }, null)).Outcome);
        Assert.Equal(Outcome.Invalid, (await p.Project.CreateTask(p.Owner.Id, new TaskDraft("t", null, TaskItemStatus.Todo, TaskPriority.Low, stranger.Id))).Outcome);
        var tooMany = Enumerable.Range(0, TaskLimits.LabelsMax + 1).Select(i => $"01JLABEL{i:D17}").ToList();
        Assert.Equal(Outcome.Invalid, (await task.Update(p.Owner.Id, new TaskPatch { LabelIds = tooMany }, null)).Outcome);
        Assert.Equal(Outcome.Invalid, (await task.Update(p.Owner.Id, new TaskPatch { Title = " " }, null)).Outcome);
        Assert.Equal(1, (await task.Get(p.Owner.Id)).Value!.Version);
    }

    [Fact]
    public async Task Label_names_are_unique_regardless_of_case_and_a_project_has_at_most_100()
    {
        var p = await BoardProject.CreateAsync(fixture.Grains);
        var viewer = await p.AddMemberAsync(ProjectRole.Viewer);
        var herbs = await p.Project.CreateLabel(p.Owner.Id, "Herbs", "#22aa44");
        Assert.True(herbs.IsOk);
        Assert.Equal(Outcome.Conflict, (await p.Project.CreateLabel(p.Owner.Id, "HERBS", "#000000")).Outcome);
        Assert.Equal(Outcome.Forbidden, (await p.Project.CreateLabel(viewer.Id, "Mine", "#000000")).Outcome);
        Assert.Equal(Outcome.Invalid, (await p.Project.CreateLabel(p.Owner.Id, "Bad", "red")).Outcome);
        Assert.Equal(Outcome.Invalid, (await p.Project.CreateLabel(p.Owner.Id, new string('n', 51), "#000000")).Outcome);

        var renamed = await p.Project.UpdateLabel(p.Owner.Id, herbs.Value!.Id, new LabelPatch("herbs", "#00FF00"));
        Assert.True(renamed.IsOk, renamed.Detail);
        for (var i = 1; i < ProjectLimits.LabelsMax; i++)
        {
            Assert.True((await p.Project.CreateLabel(p.Owner.Id, $"label {i:D3}", "#123456")).IsOk);
        }

        var limit = await p.Project.CreateLabel(p.Owner.Id, "one more", "#123456");
        Assert.Equal(Outcome.LimitReached, limit.Outcome);
        var labels = (await p.Project.ListLabels(viewer.Id)).Value!;
        Assert.Equal(ProjectLimits.LabelsMax, labels.Count);
        Assert.Equal("herbs", labels[0].Name);
        Assert.Equal(labels.Select(l => l.Name).Order(StringComparer.OrdinalIgnoreCase), labels.Select(l => l.Name));
    }

    [Fact]
    public async Task A_deleted_label_is_on_no_task_for_any_reader_and_goes_from_storage()
    {
        var p = await BoardProject.CreateAsync(fixture.Grains);
        var herbs = (await p.Project.CreateLabel(p.Owner.Id, "Herbs", "#22aa44")).Value!;
        var pots = (await p.Project.CreateLabel(p.Owner.Id, "Pots", "#aa4422")).Value!;
        var tasks = new List<TaskItem>();
        for (var i = 0; i < 5; i++)
        {
            tasks.Add(await p.AddTaskAsync($"t{i}", labels: [herbs.Id, pots.Id]));
        }

        // Task grains that already hold the context, and one that does not yet.
        foreach (var t in tasks.Take(4))
        {
            Assert.True((await p.Task(t.Id).Get(p.Owner.Id)).IsOk);
        }

        Assert.True((await p.Project.DeleteLabel(p.Owner.Id, herbs.Id)).IsOk);

        foreach (var t in tasks)
        {
            Assert.Equal([pots.Id], (await p.Task(t.Id).Get(p.Owner.Id)).Value!.LabelIds);
        }

        Assert.All(await p.ListAllAsync(new TaskQuery()), t => Assert.Equal([pots.Id], t.LabelIds));
        Assert.Empty(await p.ListAllAsync(new TaskQuery { LabelId = herbs.Id }));
        await Eventually.TrueAsync(async () => await AllStoredAsync(p.ProjectId, i => i["labelIds"].L.Select(l => l.S).SequenceEqual([pots.Id])), "storage repaired");
        Assert.Equal(Outcome.NotFound, (await p.Project.DeleteLabel(p.Owner.Id, herbs.Id)).Outcome);
    }

    [Fact]
    public async Task A_label_deleted_while_tasks_are_being_labelled_is_on_no_task_afterwards()
    {
        var p = await BoardProject.CreateAsync(fixture.Grains);
        var tasks = await p.AddManyTasksAsync(30);
        for (var round = 0; round < 3; round++)
        {
            var label = (await p.Project.CreateLabel(p.Owner.Id, $"Label {round}", "#22aa44")).Value!;
            var labelling = tasks.Select(t => p.Task(t.Id).Update(p.Owner.Id, new TaskPatch { LabelIds = [label.Id] }, null)).ToList();
            await Task.Delay(5 * round);
            Assert.True((await p.Project.DeleteLabel(p.Owner.Id, label.Id)).IsOk);
            var replies = await Task.WhenAll(labelling);
            // Each labelling either landed before the deletion or was refused after it; none fails otherwise.
            Assert.All(replies, r => Assert.True(r.IsOk || r.Outcome == Outcome.Invalid, r.Detail));

            foreach (var t in tasks)
            {
                Assert.DoesNotContain(label.Id, (await p.Task(t.Id).Get(p.Owner.Id)).Value!.LabelIds);
            }

            Assert.Empty(await p.ListAllAsync(new TaskQuery { LabelId = label.Id }));
            await Eventually.TrueAsync(async () => await AllStoredAsync(p.ProjectId, i => !i["labelIds"].L.Any(l => l.S == label.Id)), "storage repaired");
        }
    }

    [Fact]
    public async Task A_member_removed_while_being_assigned_is_nobodys_assignee_afterwards()
    {
        var p = await BoardProject.CreateAsync(fixture.Grains);
        var tasks = await p.AddManyTasksAsync(30);
        for (var round = 0; round < 3; round++)
        {
            var member = await p.AddMemberAsync(ProjectRole.Editor, $"Member{round}");
            var assigning = tasks.Select(t => p.Task(t.Id).Update(p.Owner.Id, new TaskPatch { AssigneeId = Optional<string?>.Of(member.Id) }, null)).ToList();
            await Task.Delay(5 * round);
            Assert.True((await p.Project.RemoveMember(p.Owner.Id, member.Id)).IsOk);
            var replies = await Task.WhenAll(assigning);
            Assert.All(replies, r => Assert.True(r.IsOk || r.Outcome == Outcome.Invalid, r.Detail));

            foreach (var t in tasks)
            {
                Assert.NotEqual(member.Id, (await p.Task(t.Id).Get(p.Owner.Id)).Value!.AssigneeId);
            }

            Assert.Empty(await p.ListAllAsync(new TaskQuery { AssigneeId = member.Id }));
            Assert.Empty((await fixture.Grains.GetGrain<IAssignedTasksGrain>(member.Id).List(null, 200, null)).Value!.Items);
            await Eventually.TrueAsync(async () => await AllStoredAsync(p.ProjectId, i => !i.TryGetValue("assigneeId", out var a) || a.S != member.Id), "storage repaired");
        }
    }

    [Fact]
    public async Task My_tasks_lists_the_callers_tasks_across_projects_soonest_due_first_and_never_a_project_they_left()
    {
        var garden = await BoardProject.CreateAsync(fixture.Grains);
        var kitchen = await BoardProject.CreateAsync(fixture.Grains);
        var me = await fixture.Grains.RegisterAsync("Me");
        Assert.True((await garden.Project.AddMember(garden.Owner.Id, me.AsMember(ProjectRole.Editor))).IsOk);
        Assert.True((await kitchen.Project.AddMember(kitchen.Owner.Id, me.AsMember(ProjectRole.Editor))).IsOk);
        var late = await garden.AddTaskAsync("late", assigneeId: me.Id, due: new DateOnly(2027, 3, 1));
        var undated = await kitchen.AddTaskAsync("whenever", assigneeId: me.Id);
        var soon = await kitchen.AddTaskAsync("soon", TaskItemStatus.InProgress, assigneeId: me.Id, due: new DateOnly(2026, 12, 1));
        await garden.AddTaskAsync("not mine");
        var mine = fixture.Grains.GetGrain<IAssignedTasksGrain>(me.Id);

        async Task<List<string>> All(TaskItemStatus? status = null)
        {
            var ids = new List<string>();
            for (string? cursor = null; ;)
            {
                var page = await mine.List(status, 2, cursor);
                Assert.True(page.IsOk, page.Detail);
                ids.AddRange(page.Value!.Items.Select(t => t.Id));
                if ((cursor = page.Value.NextCursor) is null)
                {
                    return ids;
                }
            }
        }

        await Eventually.TrueAsync(async () => (await All()).SequenceEqual([soon.Id, late.Id, undated.Id]), "soonest due first, none last");
        Assert.Equal([soon.Id], await All(TaskItemStatus.InProgress));

        Assert.True((await kitchen.Project.RemoveMember(me.Id, me.Id)).IsOk);
        Assert.Equal([late.Id], await All());
        Assert.Equal(Outcome.Invalid, (await mine.List(null, 10, "bm90IGEgY3Vyc29y")).Outcome);
    }

    private async Task<Dictionary<string, AttributeValue>> StoredAsync(string projectId, string taskId)
    {
        using var dynamo = LocalStack.DynamoDb();
        return (await dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = fixture.Prefix + TableNames.Tasks,
            Key = new() { ["pk"] = new AttributeValue { S = projectId }, ["sk"] = new AttributeValue { S = taskId } },
            ConsistentRead = true,
        })).Item;
    }

    private async Task<bool> AllStoredAsync(string projectId, Func<Dictionary<string, AttributeValue>, bool> condition)
    {
        using var dynamo = LocalStack.DynamoDb();
        var items = (await dynamo.QueryAsync(new QueryRequest
        {
            TableName = fixture.Prefix + TableNames.Tasks,
            KeyConditionExpression = "pk = :pk",
            ExpressionAttributeValues = new() { [":pk"] = new AttributeValue { S = projectId } },
            ConsistentRead = true,
        })).Items;
        return items.Count > 0 && items.All(condition);
    }
}
