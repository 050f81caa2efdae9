using Cumin.Exports;
using Cumin.Grains.Projects;
using Cumin.Primitives;
using Cumin.Projects;
using Cumin.Tasks;
using Orleans.Runtime;

namespace Cumin.Grains.Tests;

/// <summary>
/// Issue 12, finding 8: a request that can only be a 404 must leave nothing behind. Before, a non-member's read of a
/// random task id activated a task grain that stayed, and registered it with the project as a watcher, so a flood of
/// them made every later member change slow (the project told each watcher). The timing itself is in `make bench
/// BENCH=board`; here, the watchers told and the activations kept are counted.
/// </summary>
[Collection(GrainClusterCollection.Name)]
public sealed class NotFoundCostsNothingTests(GrainCluster fixture)
{
    [Fact]
    public async Task Random_task_ids_read_by_a_stranger_leave_no_activation_and_no_watcher()
    {
        var p = await BoardProject.CreateAsync(fixture.Grains);
        var real = await p.AddTasksAsync(3);
        var stranger = await fixture.Grains.RegisterAsync("Stranger");
        var member = await p.AddMemberAsync(ProjectRole.Viewer);
        // One genuine reader: the task grain it reads becomes a watcher, as it should.
        Assert.True((await p.Task(real[0].Id).Get(member.Id)).IsOk);

        var ids = new SortableId(TimeProvider.System);
        var reads = Enumerable.Range(0, 2_000).Select(_ => ids.Next()).ToList();
        foreach (var chunk in reads.Chunk(100))
        {
            var replies = await Task.WhenAll(chunk.Select(id => p.Task(id).Get(stranger.Id)));
            Assert.All(replies, r => Assert.Equal(Outcome.NotFound, r.Outcome));
        }

        // Existing tasks too: a stranger's read is a 404 and registers nothing.
        foreach (var task in real)
        {
            Assert.Equal(Outcome.NotFound, (await p.Task(task.Id).Get(stranger.Id)).Outcome);
        }

        await Eventually.TrueAsync(async () => await TaskActivationsAsync(p.ProjectId) <= real.Count, "the missing tasks' activations are gone");

        var toldBefore = ContextChangesTold(p, real);
        await p.AddMemberAsync(ProjectRole.Editor, "Late");
        // Only the one genuine watcher was told; none of the two thousand.
        Assert.Equal(toldBefore + 1, ContextChangesTold(p, real));
        Assert.All(reads.Take(50), id => Assert.Equal(0, fixture.Calls.Of(p.Task(id).GetGrainId(), nameof(ITaskGrain.ContextChanged))));
    }

    [Fact]
    public async Task A_missing_project_keeps_no_activation()
    {
        var stranger = await fixture.Grains.RegisterAsync("Stranger");
        var ids = new SortableId(TimeProvider.System);
        var projects = Enumerable.Range(0, 200).Select(_ => ids.Next()).ToList();
        var replies = await Task.WhenAll(projects.Select(id => fixture.Grains.GetGrain<IProjectGrain>(id).Get(stranger.Id)));
        Assert.All(replies, r => Assert.Equal(Outcome.NotFound, r.Outcome));
        // Each stays for a short grace, answering what else arrives for it (ProjectGrain.LeaveSoon), then goes.
        fixture.Clock.Advance(ProjectGrain.MissingGrace);
        await Eventually.TrueAsync(async () => await ActivationsAsync(id => projects.Contains(id.Key.ToString()!)) == 0, "the missing projects' activations are gone");
    }

    [Fact]
    public async Task A_burst_of_calls_right_after_a_delete_all_get_404_and_none_is_rejected()
    {
        var owner = await fixture.Grains.RegisterAsync("Owner");
        var projectId = await fixture.Grains.CreateProjectAsync(owner);
        var project = fixture.Grains.GetGrain<IProjectGrain>(projectId);
        Assert.True((await project.Delete(owner.Id)).IsOk);

        // As after a delete in the browser: the page's reads, the hosts' re-subscriptions, counts in flight, all at once.
        // Each used to deactivate the activation it reached, sending those queued behind it on; twice forwarded is rejected.
        var replies = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => project.Get(owner.Id)));
        Assert.All(replies, r => Assert.Equal(Outcome.NotFound, r.Outcome));
        fixture.Clock.Advance(ProjectGrain.MissingGrace);
        await Eventually.TrueAsync(async () => await ActivationsAsync(id => id.Key.ToString() == projectId) == 0, "the deleted project's activation is gone");
    }

    [Fact]
    public async Task A_missing_export_keeps_no_activation()
    {
        var stranger = await fixture.Grains.RegisterAsync("Stranger");
        var ids = new SortableId(TimeProvider.System);
        var keys = Enumerable.Range(0, 200).Select(_ => IExportJobGrain.KeyOf(stranger.Id, ids.Next())).ToList();
        var views = await Task.WhenAll(keys.Select(key => fixture.Grains.GetGrain<IExportJobGrain>(key).Get()));
        Assert.All(views, Assert.Null);
        await Eventually.TrueAsync(async () => await ActivationsAsync(id => keys.Contains(id.Key.ToString()!)) == 0, "the missing exports' activations are gone");
    }

    private int ContextChangesTold(BoardProject p, IEnumerable<TaskItem> tasks) =>
        tasks.Sum(t => fixture.Calls.Of(p.Task(t.Id).GetGrainId(), nameof(ITaskGrain.ContextChanged)));

    private Task<int> TaskActivationsAsync(string projectId) =>
        ActivationsAsync(id => id.Key.ToString()!.StartsWith(projectId + "/", StringComparison.Ordinal));

    private async Task<int> ActivationsAsync(Func<GrainId, bool> which)
    {
        var management = fixture.Grains.GetGrain<IManagementGrain>(0);
        var statistics = await management.GetDetailedGrainStatistics();
        return statistics.Count(s => which(s.GrainId));
    }
}
