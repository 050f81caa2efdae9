using Cumin.Projects;
using Cumin.Users;

namespace Cumin.Grains.Tests;

internal static class Users
{
    public static async Task<UserProfile> RegisterAsync(this IGrainFactory grains, string name = "Ada")
    {
        var email = $"{name.ToLowerInvariant()}-{Guid.NewGuid():N}@example.com";
        var reply = await grains.GetGrain<IEmailGrain>(UserLimits.NormalizeEmail(email)).Register(name, email, "correct horse");
        Assert.True(reply.IsOk, reply.Detail);
        return reply.Value!;
    }

    public static async Task<string> CreateProjectAsync(this IGrainFactory grains, UserProfile owner)
    {
        var reply = await grains.GetGrain<IUserGrain>(owner.Id).CreateProject(new ProjectDraft("Garden", null));
        Assert.True(reply.IsOk, reply.Detail);
        return reply.Value!.Id;
    }

    public static Member AsMember(this UserProfile user, ProjectRole role) => new(user.Id, user.Name, user.Email, role);
}
