using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Cumin.Cluster.Tests.TestSupport;

/// <summary>A signed-in user of one API instance, with the few calls these tests make.</summary>
public sealed class CuminApi : IDisposable
{
    private readonly HttpClient _http;

    private CuminApi(HttpClient http, string userId, string accessToken)
    {
        _http = http;
        UserId = userId;
        AccessToken = accessToken;
    }

    public string UserId { get; }

    public string AccessToken { get; }

    public static async Task<CuminApi> SignUpAsync(Uri api, TimeSpan? timeout = null)
    {
        var http = new HttpClient { BaseAddress = api, Timeout = timeout ?? TimeSpan.FromSeconds(30) };
        var email = $"cluster-{Guid.NewGuid():N}@example.com";
        var registered = await http.PostAsJsonAsync("/auth/register", new { name = "Cluster", email, password = "correct horse battery" });
        registered.EnsureSuccessStatusCode();
        var login = await http.PostAsJsonAsync("/auth/login", new { email, password = "correct horse battery" });
        login.EnsureSuccessStatusCode();
        var tokens = await login.Content.ReadFromJsonAsync<JsonElement>();
        var token = tokens.GetProperty("accessToken").GetString()!;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new CuminApi(http, tokens.GetProperty("user").GetProperty("id").GetString()!, token);
    }

    /// <summary>The same user through another API instance (the token is valid on every instance).</summary>
    public CuminApi Through(Uri api, TimeSpan? timeout = null)
    {
        var http = new HttpClient { BaseAddress = api, Timeout = timeout ?? TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AccessToken);
        return new CuminApi(http, UserId, AccessToken);
    }

    public async Task<string> CreateProjectAsync(string name)
    {
        var response = await _http.PostAsJsonAsync("/api/projects", new { name });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    public async Task<string> CreateTaskAsync(string projectId, string title)
    {
        var response = await _http.PostAsJsonAsync($"/api/projects/{projectId}/tasks", new { title });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>POST /api/projects/{id}/exports; the export id.</summary>
    public async Task<string> StartExportAsync(string projectId)
    {
        using var response = await _http.PostAsync($"/api/projects/{projectId}/exports", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>PATCHes the title; the acknowledged (title, version) on 200, null on any failure (a status, a timeout, a reset).</summary>
    public async Task<TaskVersion?> TryRenameAsync(string projectId, string taskId, string title)
    {
        try
        {
            using var response = await _http.PatchAsJsonAsync($"/api/projects/{projectId}/tasks/{taskId}", new { title });
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return null;
            }

            var task = await response.Content.ReadFromJsonAsync<JsonElement>();
            return new TaskVersion(task.GetProperty("title").GetString()!, task.GetProperty("version").GetInt64());
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or JsonException)
        {
            return null;
        }
    }

    public async Task<(HttpStatusCode Status, TaskVersion? Task)> GetTaskAsync(string projectId, string taskId)
    {
        using var response = await _http.GetAsync($"/api/projects/{projectId}/tasks/{taskId}");
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return (response.StatusCode, null);
        }

        var task = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (response.StatusCode, new TaskVersion(task.GetProperty("title").GetString()!, task.GetProperty("version").GetInt64()));
    }

    public void Dispose() => _http.Dispose();
}

public sealed record TaskVersion(string Title, long Version);
