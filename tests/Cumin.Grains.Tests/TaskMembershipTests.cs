using Cumin.Grains.Tasks;
using Cumin.Primitives;
using Cumin.Projects;
using Cumin.Tasks;
using Cumin.Users;

namespace Cumin.Grains.Tests;

/// <summary>
/// Task grains answer reads from the membership their project handed them; the project must keep it current, so every
/// change is seen by the very next read, whatever the tasks remembered before.
/// </summary>
[Collection(GrainClusterCollection.Name)]
public sealed class TaskMembershipTests(GrainCluster fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task Reads_ask_the_project_once_and_again_only_after_the_lease()
    {
        var (owner, project, tasks) = await ProjectWithTasksAsync(1);
        var task = tasks[0];

        for (var i = 0; i < 5; i++)
        {
            Assert.True((await task.Get(owner.Id)).IsOk);
        }

        Assert.Equal(1, fixture.Calls.Of(project.GetGrainId(), nameof(IProjectGrain.WatchContext)));
        Assert.Equal(0, fixture.Calls.Of(project.GetGrainId(), nameof(IProjectGrain.GetRole)));

        fixture.Clock.Advance(TaskGrain.MembershipLease);
        Assert.True((await task.Get(owner.Id)).IsOk);
        Assert.Equal(2, fixture.Calls.Of(project.GetGrainId(), nameof(IProjectGrain.WatchContext)));
    }

    [Fact]
    public async Task Membership_changes_reach_tasks_that_remember_the_old_membership()
    {
        var (owner, project, tasks) = await ProjectWithTasksAsync(3);
        var member = await Grains.RegisterAsync("Member");
        await ReadAllAsync(tasks, owner.Id, Outcome.Ok);
        await ReadAllAsync(tasks, member.Id, Outcome.NotFound);

        Assert.True((await project.AddMember(owner.Id, member.AsMember(ProjectRole.Editor))).IsOk);
        await ReadAllAsync(tasks, member.Id, Outcome.Ok);

        Assert.True((await project.RemoveMember(owner.Id, member.Id)).IsOk);
        await ReadAllAsync(tasks, member.Id, Outcome.NotFound);
        Assert.Equal(Outcome.NotFound, (await tasks[0].Update(member.Id, new TaskPatch { Title = "x" }, null)).Outcome);

        Assert.True((await project.AddMember(owner.Id, member.AsMember(ProjectRole.Viewer))).IsOk);
        await ReadAllAsync(tasks, member.Id, Outcome.Ok);
        Assert.Equal(Outcome.Forbidden, (await tasks[0].Update(member.Id, new TaskPatch { Title = "x" }, null)).Outcome);
        await ReadAllAsync(tasks, owner.Id, Outcome.Ok);
    }

    [Fact]
    public async Task A_new_activation_of_the_project_is_not_undercut_by_what_tasks_remembered_from_the_last()
    {
        var (owner, project, tasks) = await ProjectWithTasksAsync(2);
        var member = await Grains.RegisterAsync("Member");
        Assert.True((await project.AddMember(owner.Id, member.AsMember(ProjectRole.Editor))).IsOk);
        await ReadAllAsync(tasks, member.Id, Outcome.Ok);

        // The next activation knows nothing of the tasks that hold the membership: they must have forgotten it.
        await fixture.Cluster.DeactivateAsync(project.GetGrainId());
        Assert.True((await project.RemoveMember(owner.Id, member.Id)).IsOk);

        await ReadAllAsync(tasks, member.Id, Outcome.NotFound);
        await ReadAllAsync(tasks, owner.Id, Outcome.Ok);
    }

    [Fact]
    public async Task Tasks_read_before_their_project_is_deleted_are_gone_after_it()
    {
        var (owner, project, tasks) = await ProjectWithTasksAsync(3);
        await ReadAllAsync(tasks, owner.Id, Outcome.Ok);

        Assert.True((await project.Delete(owner.Id)).IsOk);

        await ReadAllAsync(tasks, owner.Id, Outcome.NotFound);
    }

    [Fact]
    public async Task A_removal_racing_reads_leaves_no_task_answering_the_removed_member()
    {
        var (owner, project, tasks) = await ProjectWithTasksAsync(4);
        var member = await Grains.RegisterAsync("Member");
        for (var round = 0; round < 8; round++)
        {
            Assert.True((await project.AddMember(owner.Id, member.AsMember(ProjectRole.Viewer))).IsOk);
            using var stop = new CancellationTokenSource();
            var readers = Enumerable.Range(0, 8).Select(r => Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    await tasks[(r + i) % tasks.Count].Get(member.Id);
                }
            })).ToList();
            await Task.Delay(5 * round);

            Assert.True((await project.RemoveMember(owner.Id, member.Id)).IsOk);

            await ReadAllAsync(tasks, member.Id, Outcome.NotFound);
            await stop.CancelAsync();
            await Task.WhenAll(readers);
            await ReadAllAsync(tasks, member.Id, Outcome.NotFound);
        }
    }

    private async Task<(UserProfile Owner, IProjectGrain Project, List<ITaskGrain> Tasks)> ProjectWithTasksAsync(int count)
    {
        var owner = await Grains.RegisterAsync("Owner");
        var projectId = await Grains.CreateProjectAsync(owner);
        var project = Grains.GetGrain<IProjectGrain>(projectId);
        var tasks = new List<ITaskGrain>();
        for (var i = 0; i < count; i++)
        {
            var created = await project.CreateTask(owner.Id, new TaskDraft($"t{i}", null, TaskItemStatus.Todo, TaskPriority.Low));
            tasks.Add(Grains.GetGrain<ITaskGrain>(ITaskGrain.KeyOf(projectId, created.Value!.Id)));
        }

        return (owner, project, tasks);
    }

    private static async Task ReadAllAsync(List<ITaskGrain> tasks, string callerId, Outcome expected)
    {
        foreach (var task in tasks)
        {
            Assert.Equal(expected, (await task.Get(callerId)).Outcome);
        }
    }
}
