using Cumin.Primitives;
using Cumin.Projects;
using Cumin.Tasks;
using Orleans.Runtime;

namespace Cumin.Grains.Tests;

[Collection(GrainClusterCollection.Name)]
public sealed class GrainReferencesTests(GrainCluster fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task References_built_from_the_resolved_types_equal_Orleans_own_and_reach_the_same_grain()
    {
        var owner = await Grains.RegisterAsync();
        var projectId = await Grains.CreateProjectAsync(owner);

        // The first call resolves the types, the later ones build from them; all must be Orleans' reference.
        for (var i = 0; i < 3; i++)
        {
            var ours = (GrainReference)(object)Grains.Of<IProjectGrain>(projectId);
            var orleans = (GrainReference)(object)Grains.GetGrain<IProjectGrain>(projectId);
            Assert.Equal(orleans.GrainId, ours.GrainId);
            Assert.Equal(orleans.InterfaceType, ours.InterfaceType);
            Assert.Equal(orleans, ours);
        }

        var taskKey = ITaskGrain.KeyOf(projectId, SortableId.Shared.Next());
        Assert.NotEqual(Grains.GetGrain<ITaskGrain>(taskKey).GetGrainId(), Grains.Of<IProjectGrain>(projectId).GetGrainId());
        Assert.Equal(Grains.GetGrain<ITaskGrain>(taskKey).GetGrainId(), Grains.Of<ITaskGrain>(taskKey).GetGrainId());
        var project = await Grains.Of<IProjectGrain>(projectId).Get(owner.Id);
        Assert.Equal(projectId, project.Value!.Id);
    }
}
