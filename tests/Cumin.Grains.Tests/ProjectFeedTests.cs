using System.Collections.Concurrent;
using Cumin.Live;
using Cumin.Projects;

namespace Cumin.Grains.Tests;

/// <summary>
/// Issue 14, item 2: an API host that dies (SIGKILL: it never unwatches) leaves nothing behind. The project keeps a host
/// only while it renews; once <see cref="FeedLimits.ObserverLifetime"/> has passed without a renewal it is forgotten and
/// never called again, while a host that renews keeps getting every event.
/// </summary>
[Collection(GrainClusterCollection.Name)]
public sealed class ProjectFeedTests(GrainCluster fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task A_host_that_stops_renewing_is_forgotten_after_the_lifetime_and_one_that_renews_is_kept()
    {
        var owner = await Grains.RegisterAsync("Owner");
        var projectId = await Grains.CreateProjectAsync(owner);
        var project = Grains.GetGrain<IProjectGrain>(projectId);
        var dead = new RecordingHost();
        var alive = new RecordingHost();
        // Strong references: Orleans holds client-side observers weakly.
        var deadReference = Grains.CreateObjectReference<IProjectFeedObserver>(dead);
        var aliveReference = Grains.CreateObjectReference<IProjectFeedObserver>(alive);
        Assert.NotNull(await project.Watch(owner.Id, deadReference, null));
        var position = (await project.Watch(owner.Id, aliveReference, null))!.Feed.Now;

        Assert.True((await project.Update(owner.Id, new ProjectPatch("Both hear this", null))).IsOk);
        await dead.WaitForAsync("Both hear this");
        await alive.WaitForAsync("Both hear this");

        // The dead host's last word was its watch; the live one renews every third of the lifetime, as hosts do.
        fixture.Clock.Advance(FeedLimits.ObserverLifetime / 3);
        position = (await project.Renew(aliveReference, position))!.Now;
        fixture.Clock.Advance(FeedLimits.ObserverLifetime / 3);
        position = (await project.Renew(aliveReference, position))!.Now;
        fixture.Clock.Advance((FeedLimits.ObserverLifetime / 3) + TimeSpan.FromSeconds(1));
        Assert.NotNull(await project.Renew(aliveReference, position));

        Assert.True((await project.Update(owner.Id, new ProjectPatch("Only the living hear this", null))).IsOk);
        await alive.WaitForAsync("Only the living hear this");
        Assert.True((await project.Update(owner.Id, new ProjectPatch("And this", null))).IsOk);
        await alive.WaitForAsync("And this");
        // Events to one project go out in order, so the dead host's would have come before the live host's second one.
        Assert.Equal(["Both hear this"], dead.Names);
        Assert.Equal(["Both hear this", "Only the living hear this", "And this"], alive.Names);
    }

    /// <summary>An API host as the project sees it: what it was sent, in order.</summary>
    private sealed class RecordingHost : IProjectFeedObserver
    {
        private readonly ConcurrentQueue<string> _names = new();

        public IReadOnlyList<string> Names => [.. _names];

        public Task OnEvents(FeedEvents events)
        {
            foreach (var projectEvent in events.Events)
            {
                if (projectEvent.Data is ProjectView view)
                {
                    _names.Enqueue(view.Name);
                }
            }

            return Task.CompletedTask;
        }

        public Task OnEnded(string projectId, FeedPosition last) => Task.CompletedTask;

        public async Task WaitForAsync(string name)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (!_names.Contains(name))
            {
                Assert.True(DateTime.UtcNow < deadline, $"'{name}' did not arrive within 30 s; received: {string.Join(", ", _names)}");
                await Task.Delay(20);
            }
        }
    }
}
