using Amazon.DynamoDBv2.Model;
using Cumin.Primitives;
using Cumin.Projects;
using Cumin.Tasks;
using Cumin.Testing;
using Orleans.Runtime;

namespace Cumin.Grains.Tests;

/// <summary>Comments: their own table, their author's words, the task's count exact, gone with the task.</summary>
[Collection(GrainClusterCollection.Name)]
public sealed class CommentGrainTests(GrainCluster fixture)
{
    [Fact]
    public async Task Authors_edit_their_own_comments_and_the_owner_may_delete_any()
    {
        var p = await BoardProject.CreateAsync(fixture.Grains);
        var editor = await p.AddMemberAsync(ProjectRole.Editor, "Editor");
        var other = await p.AddMemberAsync(ProjectRole.Editor, "Other");
        var viewer = await p.AddMemberAsync(ProjectRole.Viewer, "Viewer");
        var task = p.Task((await p.AddTaskAsync()).Id);

        var comment = (await task.AddComment(editor.Id, "Sown on Monday")).Value!;
        Assert.Equal(editor.Id, comment.AuthorId);
        Assert.Equal(Outcome.Forbidden, (await task.AddComment(viewer.Id, "me too")).Outcome);
        Assert.Equal(Outcome.Forbidden, (await task.EditComment(other.Id, comment.Id, "not yours")).Outcome);
        Assert.Equal(Outcome.Forbidden, (await task.EditComment(p.Owner.Id, comment.Id, "not the owner's either")).Outcome);
        Assert.Equal(Outcome.Forbidden, (await task.DeleteComment(other.Id, comment.Id)).Outcome);
        Assert.Equal(Outcome.Invalid, (await task.EditComment(editor.Id, comment.Id, new string('x', 10_001))).Outcome);

        var edited = await task.EditComment(editor.Id, comment.Id, "Sown on Tuesday");
        Assert.True(edited.IsOk, edited.Detail);
        Assert.Equal("Sown on Tuesday", (await task.ListComments(viewer.Id, 10, null)).Value!.Items.Single().Body);

        Assert.True((await task.DeleteComment(p.Owner.Id, comment.Id)).IsOk);
        Assert.Empty((await task.ListComments(viewer.Id, 10, null)).Value!.Items);
        Assert.Equal(0, (await task.Get(p.Owner.Id)).Value!.CommentCount);
        Assert.Equal(Outcome.NotFound, (await task.DeleteComment(p.Owner.Id, comment.Id)).Outcome);
    }

    [Fact]
    public async Task Comments_page_oldest_first_and_their_count_stays_exact_under_concurrent_writers()
    {
        var p = await BoardProject.CreateAsync(fixture.Grains);
        var created = await p.AddTaskAsync();
        var task = p.Task(created.Id);
        var added = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => task.AddComment(p.Owner.Id, $"comment {i}")));
        Assert.All(added, a => Assert.True(a.IsOk, a.Detail));
        await Task.WhenAll(added.Take(10).Select(a => task.DeleteComment(p.Owner.Id, a.Value!.Id)));

        var listed = new List<string>();
        for (string? cursor = null; ;)
        {
            var page = (await task.ListComments(p.Owner.Id, 7, cursor)).Value!;
            listed.AddRange(page.Items.Select(c => c.Id));
            if ((cursor = page.NextCursor) is null)
            {
                break;
            }
        }

        Assert.Equal(added.Skip(10).Select(a => a.Value!.Id).Order(StringComparer.Ordinal), listed);
        Assert.Equal(20, (await task.Get(p.Owner.Id)).Value!.CommentCount);
        // The count every reader sees: the task, the board, and the stored item.
        Assert.Equal(20, (await p.ListAllAsync(new TaskQuery())).Single().CommentCount);
        await fixture.Cluster.DeactivateAsync(task.GetGrainId());
        Assert.Equal(20, (await task.Get(p.Owner.Id)).Value!.CommentCount);
        Assert.Equal(20, await StoredCommentsAsync(p.ProjectId, created.Id));
    }

    [Fact]
    public async Task A_task_takes_at_most_5000_comments()
    {
        var p = await BoardProject.CreateAsync(fixture.Grains);
        var created = await p.AddTaskAsync();
        var task = p.Task(created.Id);
        Assert.True((await task.AddComment(p.Owner.Id, "first")).IsOk);
        // Five thousand real comments would take minutes: the stored count is set just below the limit instead.
        using (var dynamo = LocalStack.DynamoDb())
        {
            await dynamo.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = fixture.Prefix + TableNames.Tasks,
                Key = new() { ["pk"] = new AttributeValue { S = p.ProjectId }, ["sk"] = new AttributeValue { S = created.Id } },
                UpdateExpression = "SET commentCount = :n",
                ExpressionAttributeValues = new() { [":n"] = new AttributeValue { N = (TaskLimits.CommentsMax - 1).ToString(System.Globalization.CultureInfo.InvariantCulture) } },
            });
        }

        await fixture.Cluster.DeactivateAsync(task.GetGrainId());
        Assert.True((await task.AddComment(p.Owner.Id, "the last one")).IsOk);
        var refused = await task.AddComment(p.Owner.Id, "one too many");
        Assert.Equal(Outcome.LimitReached, refused.Outcome);
        Assert.Equal(TaskLimits.CommentsMax, (await task.Get(p.Owner.Id)).Value!.CommentCount);
        Assert.Equal(2, await StoredCommentsAsync(p.ProjectId, created.Id));
    }

    [Fact]
    public async Task A_deleted_task_takes_its_comments_with_it()
    {
        var p = await BoardProject.CreateAsync(fixture.Grains);
        var created = await p.AddTaskAsync();
        var task = p.Task(created.Id);
        for (var i = 0; i < 30; i++)
        {
            Assert.True((await task.AddComment(p.Owner.Id, $"c{i}")).IsOk);
        }

        Assert.True((await task.Delete(p.Owner.Id)).IsOk);

        Assert.Equal(0, await StoredCommentsAsync(p.ProjectId, created.Id));
        Assert.Equal(Outcome.NotFound, (await task.ListComments(p.Owner.Id, 10, null)).Outcome);
        Assert.Empty(await p.ListAllAsync(new TaskQuery()));
    }

    private async Task<int> StoredCommentsAsync(string projectId, string taskId)
    {
        using var dynamo = LocalStack.DynamoDb();
        return (await dynamo.QueryAsync(new QueryRequest
        {
            TableName = fixture.Prefix + TableNames.Comments,
            KeyConditionExpression = "pk = :pk",
            ExpressionAttributeValues = new() { [":pk"] = new AttributeValue { S = $"{projectId}/{taskId}" } },
            ConsistentRead = true,
        })).Count ?? 0;
    }
}
