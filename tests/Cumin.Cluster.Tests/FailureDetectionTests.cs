using Cumin.Clustering.Hosting;
using Cumin.Grains.Tasks;

namespace Cumin.Cluster.Tests;

/// <summary>The task grains' membership lease rests on failure detection being slower than it.</summary>
public sealed class FailureDetectionTests
{
    [Fact]
    public void A_task_grains_membership_lease_ends_before_a_crashed_projects_silo_can_be_declared_dead()
    {
        Assert.True(
            TaskGrain.MembershipLease * 2 <= ClusteringSiloBuilderExtensions.LeastFailureDetectionTime,
            $"lease {TaskGrain.MembershipLease} against failure detection of at least {ClusteringSiloBuilderExtensions.LeastFailureDetectionTime}: " +
            "a new activation of the project could change the membership while a task grain still trusts its copy");
    }
}
