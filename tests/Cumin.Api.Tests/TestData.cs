using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Cumin.Api.Tests;

internal static class TestData
{
    public static async Task<string> CreateProjectAsync(this TestUser user, string name = "Garden")
    {
        var project = await HttpAssert.OkAsync(
            await user.Client.PostAsJsonAsync("/api/projects", new { name, description = "things to plant" }), HttpStatusCode.Created);
        return project.GetProperty("id").GetString()!;
    }

    public static async Task<JsonElement> CreateTaskAsync(this TestUser user, string projectId, string title = "Water the basil", string? status = null)
    {
        object body = status is null ? new { title } : new { title, status };
        return await HttpAssert.OkAsync(await user.Client.PostAsJsonAsync($"/api/projects/{projectId}/tasks", body), HttpStatusCode.Created);
    }

    public static async Task AddMemberAsync(this TestUser owner, string projectId, TestUser member, string role) =>
        await HttpAssert.OkAsync(
            await owner.Client.PostAsJsonAsync($"/api/projects/{projectId}/members", new { email = member.Email, role }), HttpStatusCode.Created);
}
