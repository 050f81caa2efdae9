using Cumin.Primitives;
using Cumin.Projects;
using Cumin.Tasks;
using Cumin.Users;

namespace Cumin.Grains.Tests;

[Collection(GrainClusterCollection.Name)]
public sealed class ProjectGrainTests(GrainCluster fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task Membership_changes_follow_the_users_project_lists()
    {
        var owner = await Grains.RegisterAsync("Owner");
        var member = await Grains.RegisterAsync("Member");
        var projectId = await Grains.CreateProjectAsync(owner);
        var project = Grains.GetGrain<IProjectGrain>(projectId);

        Assert.Contains(projectId, await Grains.GetGrain<IUserGrain>(owner.Id).GetProjectIds());
        Assert.True((await project.AddMember(owner.Id, member.AsMember(ProjectRole.Editor))).IsOk);
        Assert.Contains(projectId, await Grains.GetGrain<IUserGrain>(member.Id).GetProjectIds());
        Assert.Equal(ProjectRole.Editor, await project.GetRole(member.Id));
        Assert.Equal(Outcome.Conflict, (await project.AddMember(owner.Id, member.AsMember(ProjectRole.Viewer))).Outcome);

        Assert.True((await project.RemoveMember(owner.Id, member.Id)).IsOk);
        Assert.DoesNotContain(projectId, await Grains.GetGrain<IUserGrain>(member.Id).GetProjectIds());
        Assert.Null(await project.GetRole(member.Id));
        Assert.Equal(Outcome.NotFound, (await project.Get(member.Id)).Outcome);
    }

    [Fact]
    public async Task Only_the_owner_manages_members_and_the_owner_stays()
    {
        var owner = await Grains.RegisterAsync("Owner");
        var editor = await Grains.RegisterAsync("Editor");
        var other = await Grains.RegisterAsync("Other");
        var projectId = await Grains.CreateProjectAsync(owner);
        var project = Grains.GetGrain<IProjectGrain>(projectId);
        Assert.True((await project.AddMember(owner.Id, editor.AsMember(ProjectRole.Editor))).IsOk);

        Assert.Equal(Outcome.Forbidden, (await project.AddMember(editor.Id, other.AsMember(ProjectRole.Viewer))).Outcome);
        Assert.Equal(Outcome.Forbidden, (await project.RemoveMember(editor.Id, owner.Id)).Outcome);
        Assert.Equal(Outcome.Forbidden, (await project.Delete(editor.Id)).Outcome);
        Assert.Equal(Outcome.NotFound, (await project.AddMember(other.Id, other.AsMember(ProjectRole.Editor))).Outcome);
        Assert.Equal(Outcome.Invalid, (await project.AddMember(owner.Id, other.AsMember(ProjectRole.Owner))).Outcome);
        Assert.Equal(Outcome.Conflict, (await project.RemoveMember(owner.Id, owner.Id)).Outcome);
        Assert.Equal(ProjectRole.Owner, await project.GetRole(owner.Id));
    }

    [Fact]
    public async Task Project_state_survives_deactivation()
    {
        var owner = await Grains.RegisterAsync("Owner");
        var member = await Grains.RegisterAsync("Member");
        var projectId = await Grains.CreateProjectAsync(owner);
        var project = Grains.GetGrain<IProjectGrain>(projectId);
        await project.AddMember(owner.Id, member.AsMember(ProjectRole.Viewer));
        await project.Update(owner.Id, new ProjectPatch("Orchard", "apples"));

        await fixture.Cluster.DeactivateAsync(project.GetGrainId());

        var view = (await project.Get(member.Id)).Value!;
        Assert.Equal("Orchard", view.Name);
        Assert.Equal("apples", view.Description);
        Assert.Equal(ProjectRole.Viewer, view.Role);
        Assert.Equal(2, (await project.GetMembers(owner.Id)).Value!.Count);
    }

    [Fact]
    public async Task Deleting_a_project_purges_its_tasks_and_memberships()
    {
        var owner = await Grains.RegisterAsync("Owner");
        var member = await Grains.RegisterAsync("Member");
        var projectId = await Grains.CreateProjectAsync(owner);
        var project = Grains.GetGrain<IProjectGrain>(projectId);
        await project.AddMember(owner.Id, member.AsMember(ProjectRole.Editor));
        var taskIds = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            taskIds.Add((await project.CreateTask(member.Id, new TaskDraft($"t{i}", null, TaskItemStatus.Todo, TaskPriority.Low))).Value!.Id);
        }

        Assert.True((await project.Delete(owner.Id)).IsOk);

        Assert.Equal(Outcome.NotFound, (await project.Get(owner.Id)).Outcome);
        Assert.Null(await project.GetRole(owner.Id));
        foreach (var taskId in taskIds)
        {
            Assert.Equal(Outcome.NotFound, (await Grains.GetGrain<ITaskGrain>(ITaskGrain.KeyOf(projectId, taskId)).Get(owner.Id)).Outcome);
        }

        Assert.DoesNotContain(projectId, await Grains.GetGrain<IUserGrain>(owner.Id).GetProjectIds());
        Assert.DoesNotContain(projectId, await Grains.GetGrain<IUserGrain>(member.Id).GetProjectIds());
    }

    [Fact]
    public async Task Task_ids_sort_in_creation_order_and_pages_follow_them()
    {
        var owner = await Grains.RegisterAsync();
        var projectId = await Grains.CreateProjectAsync(owner);
        var project = Grains.GetGrain<IProjectGrain>(projectId);
        var ids = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            ids.Add((await project.CreateTask(owner.Id, new TaskDraft($"t{i}", null, i % 2 == 0 ? TaskItemStatus.Done : TaskItemStatus.Todo, TaskPriority.Low))).Value!.Id);
        }

        Assert.Equal(ids.Order(StringComparer.Ordinal), ids);
        var first = (await project.ListTasks(owner.Id, new TaskQuery { Limit = 20 })).Value!;
        var second = (await project.ListTasks(owner.Id, new TaskQuery { Limit = 20, Cursor = first.NextCursor })).Value!;
        Assert.Equal(ids, first.Items.Concat(second.Items).Select(t => t.Id));
        Assert.Null(second.NextCursor);

        var done = (await project.ListTasks(owner.Id, new TaskQuery { Status = TaskItemStatus.Done, Limit = 200 })).Value!;
        Assert.Equal(15, done.Items.Count);
        Assert.Equal(Outcome.Invalid, (await project.ListTasks(owner.Id, new TaskQuery { Limit = 0 })).Outcome);
        Assert.Equal(Outcome.Invalid, (await project.ListTasks(owner.Id, new TaskQuery { Limit = 10, Cursor = "%%%" })).Outcome);
    }

    [Fact]
    public async Task A_member_may_leave_and_the_owner_may_not()
    {
        var owner = await Grains.RegisterAsync("Owner");
        var viewer = await Grains.RegisterAsync("Viewer");
        var projectId = await Grains.CreateProjectAsync(owner);
        var project = Grains.GetGrain<IProjectGrain>(projectId);
        Assert.True((await project.AddMember(owner.Id, viewer.AsMember(ProjectRole.Viewer))).IsOk);

        // A viewer may not remove anyone else, but may remove themself.
        Assert.Equal(Outcome.Forbidden, (await project.RemoveMember(viewer.Id, owner.Id)).Outcome);
        Assert.True((await project.RemoveMember(viewer.Id, viewer.Id)).IsOk);
        Assert.Null(await project.GetRole(viewer.Id));
        Assert.DoesNotContain(projectId, await Grains.GetGrain<IUserGrain>(viewer.Id).GetProjectIds());
        Assert.Equal(Outcome.NotFound, (await project.RemoveMember(viewer.Id, viewer.Id)).Outcome);

        var refused = await project.RemoveMember(owner.Id, owner.Id);
        Assert.Equal(Outcome.Conflict, refused.Outcome);
        Assert.Equal(ProjectRole.Owner, await project.GetRole(owner.Id));
    }

    [Fact]
    public async Task A_project_takes_at_most_500_members()
    {
        var owner = await Grains.RegisterAsync("Owner");
        var projectId = await Grains.CreateProjectAsync(owner);
        var project = Grains.GetGrain<IProjectGrain>(projectId);
        // Members need no account for this: the project keeps their name and e-mail as given.
        for (var i = 1; i < ProjectLimits.MembersMax; i++)
        {
            var member = new Member($"member-{i:D3}-{Guid.NewGuid():N}", $"Member {i}", $"member{i}@example.com", ProjectRole.Viewer);
            Assert.True((await project.AddMember(owner.Id, member)).IsOk);
        }

        var oneTooMany = await project.AddMember(owner.Id, new Member($"late-{Guid.NewGuid():N}", "Late", "late@example.com", ProjectRole.Viewer));
        Assert.Equal(Outcome.LimitReached, oneTooMany.Outcome);
        Assert.Contains("500", oneTooMany.Detail, StringComparison.Ordinal);
        Assert.Equal(ProjectLimits.MembersMax, (await project.GetMembers(owner.Id)).Value!.Count);
    }

    /// <summary>Issue 12, finding 2: nobody can push a user's record past DynamoDB's item limit by sharing projects with them.</summary>
    [Fact]
    public async Task A_user_belongs_to_at_most_1000_projects_and_still_signs_in()
    {
        var attacker = await Grains.RegisterAsync("Attacker");
        var victim = await Grains.RegisterAsync("Victim");
        var attackerGrain = Grains.GetGrain<IUserGrain>(attacker.Id);
        for (var i = 0; i < UserLimits.ProjectsMax; i++)
        {
            var created = await attackerGrain.CreateProject(new ProjectDraft($"p{i}", null));
            Assert.True(created.IsOk, created.Detail);
            Assert.True((await Grains.GetGrain<IProjectGrain>(created.Value!.Id).AddMember(attacker.Id, victim.AsMember(ProjectRole.Viewer))).IsOk);
        }

        Assert.Equal(Outcome.LimitReached, (await attackerGrain.CreateProject(new ProjectDraft("one more", null))).Outcome);
        Assert.Equal(Outcome.LimitReached, (await Grains.GetGrain<IUserGrain>(victim.Id).CreateProject(new ProjectDraft("mine", null))).Outcome);

        // Another owner cannot add the victim either, and their project is left as it was.
        var other = await Grains.RegisterAsync("Other");
        var otherProject = Grains.GetGrain<IProjectGrain>(await Grains.CreateProjectAsync(other));
        Assert.Equal(Outcome.LimitReached, (await otherProject.AddMember(other.Id, victim.AsMember(ProjectRole.Editor))).Outcome);
        Assert.Single((await otherProject.GetMembers(other.Id)).Value!);

        Assert.Equal(UserLimits.ProjectsMax, (await Grains.GetGrain<IUserGrain>(victim.Id).GetProjectIds()).Count);
        Assert.True((await Grains.GetGrain<IEmailGrain>(UserLimits.NormalizeEmail(victim.Email)).SignIn("correct horse")).IsOk);

        // Leaving one frees a place.
        var left = (await Grains.GetGrain<IUserGrain>(victim.Id).GetProjectIds())[0];
        Assert.True((await Grains.GetGrain<IProjectGrain>(left).RemoveMember(victim.Id, victim.Id)).IsOk);
        Assert.True((await otherProject.AddMember(other.Id, victim.AsMember(ProjectRole.Editor))).IsOk);
    }
}
