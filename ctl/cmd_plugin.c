/* c8sctl options, plugin list and kubectl's plugin mechanism. An unknown command word runs the
 * longest kubectl-<word>[-<word>...] on PATH (cmd.go's HandlePluginCommand and
 * DefaultPluginHandler: exec.LookPath, '-' in words read as '_', execve with the rest of the
 * command line); `plugin list` walks PATH as plugin.go does, with its warnings and errors. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "ctl.h"
#include "xalloc.h"

extern char **environ;

/* ---- Paths as Go's path/filepath does them ---------------------------------------------- */

/* filepath.Clean: one slash between elements, no "." elements, ".." folded where it can be,
 * "." for an empty result. Owned. */
static char *go_path_clean(const char *path)
{
    if (*path == '\0') {
        return xstrdup(".");
    }
    bool rooted = path[0] == '/';
    size_t n = strlen(path);
    char *out = xmalloc(n + 2);
    size_t w = 0, dotdot = 0; /* dotdot: where ".." can no longer be folded */
    if (rooted) {
        out[w++] = '/';
        dotdot = 1;
    }
    for (size_t r = 0; r < n;) {
        if (path[r] == '/') {
            r++;
        } else if (path[r] == '.' && (r + 1 == n || path[r + 1] == '/')) {
            r++;
        } else if (path[r] == '.' && path[r + 1] == '.' && (r + 2 == n || path[r + 2] == '/')) {
            r += 2;
            if (w > dotdot) {
                w--;
                while (w > dotdot && out[w] != '/') {
                    w--;
                }
            } else if (!rooted) {
                if (w > 0) {
                    out[w++] = '/';
                }
                out[w++] = '.';
                out[w++] = '.';
                dotdot = w;
            }
        } else {
            if ((rooted && w != 1) || (!rooted && w != 0)) {
                out[w++] = '/';
            }
            for (; r < n && path[r] != '/'; r++) {
                out[w++] = path[r];
            }
        }
    }
    if (w == 0) {
        out[w++] = '.';
    }
    out[w] = '\0';
    return out;
}

/* filepath.Join of two elements. Owned. */
static char *go_path_join(const char *dir, const char *name)
{
    if (*dir == '\0') {
        return go_path_clean(name);
    }
    cleanup_free char *joined = xasprintf("%s/%s", dir, name);
    return go_path_clean(joined);
}

/* Go's strerror wording: the C text with a lowercase first letter. */
static void go_errno_text(int e, char *buf, size_t size)
{
    snprintf(buf, size, "%s", strerror(e));
    if (buf[0] >= 'A' && buf[0] <= 'Z' && !(buf[1] >= 'A' && buf[1] <= 'Z')) {
        buf[0] = (char)(buf[0] - 'A' + 'a');
    }
}

/* exec.LookPath's findExecutable: a file (not a directory) we may execute. */
static bool is_executable_file(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0 || S_ISDIR(st.st_mode)) {
        return false;
    }
    return faccessat(AT_FDCWD, path, X_OK, AT_EACCESS) == 0;
}

/* exec.LookPath(file): a name with a slash is checked as is; otherwise each PATH entry in order
 * (an empty one meaning "."). kubectl accepts the relative answers Go flags with ErrDot.
 * Returns the path (owned) or NULL. */
static char *look_path(const char *file)
{
    if (strchr(file, '/') != NULL) {
        return is_executable_file(file) ? xstrdup(file) : NULL;
    }
    const char *path = getenv("PATH");
    if (path == NULL || *path == '\0') {
        return NULL;
    }
    for (const char *p = path;;) {
        size_t len = strcspn(p, ":");
        cleanup_free char *dir = len ? xstrndup(p, len) : xstrdup(".");
        char *candidate = go_path_join(dir, file);
        if (is_executable_file(candidate)) {
            return candidate;
        }
        free(candidate);
        if (p[len] == '\0') {
            return NULL;
        }
        p += len + 1;
    }
}

/* ---- The plugin mechanism --------------------------------------------------------------- */

int ctl_plugin_run(struct ctl *c, int argc, char **argv)
{
    if (argc == 0) {
        return -1;
    }
    /* cobra's own commands never reach plugins */
    for (int i = 0; i < argc; i++) {
        if (argv[i][0] != '-') {
            if (strcmp(argv[i], "help") == 0 || strcmp(argv[i], "__complete") == 0 ||
                strcmp(argv[i], "__completeNoDesc") == 0) {
                return -1;
            }
            break;
        }
    }
    int words = 0;
    while (words < argc && argv[words][0] != '-') {
        words++;
    }
    if (words == 0) {
        fprintf(c->errout, "Error: flags cannot be placed before plugin name: %s\n", argv[0]);
        return 1;
    }
    char *found = NULL;
    for (; words > 0; words--) {
        /* dashes inside a word become underscores: "foo-bar" looks for kubectl-foo_bar */
        char *name = xstrdup("kubectl");
        for (int i = 0; i < words; i++) {
            cleanup_free char *word = xstrdup(argv[i]);
            for (char *p = word; *p; p++) {
                *p = *p == '-' ? '_' : *p;
            }
            char *more = xasprintf("%s-%s", name, word);
            free(name);
            name = more;
        }
        found = look_path(name);
        free(name);
        if (found != NULL) {
            break;
        }
    }
    if (found == NULL) {
        return -1;
    }
    /* execve as Go's syscall.Exec: the plugin's argv[0] is its path, then the arguments after
     * the words that named it, and the environment unchanged. */
    char **plugin_argv = xmalloc((size_t)(argc - words + 2) * sizeof *plugin_argv);
    int n = 0;
    plugin_argv[n++] = found;
    for (int i = words; i < argc; i++) {
        plugin_argv[n++] = argv[i];
    }
    plugin_argv[n] = NULL;
    fflush(c->out);
    fflush(c->errout);
    execve(found, plugin_argv, environ);
    char text[128];
    go_errno_text(errno, text, sizeof text);
    fprintf(c->errout, "Error: %s\n", text);
    free(plugin_argv);
    free(found);
    return 1;
}

/* ---- plugin list ------------------------------------------------------------------------ */

/* kubectl 1.32's command paths as cobra's Find resolves them, with the aliases of their last
 * word ("configmap|cm"): a plugin named after one overwrites it. */
static const char *const KUBECTL_COMMANDS[] = {
    "create",
    "create clusterrole",
    "create clusterrolebinding",
    "create configmap|cm",
    "create cronjob|cj",
    "create deployment|deploy",
    "create ingress|ing",
    "create job",
    "create namespace|ns",
    "create poddisruptionbudget|pdb",
    "create priorityclass|pc",
    "create quota|resourcequota",
    "create role",
    "create rolebinding",
    "create secret",
    "create secret docker-registry",
    "create secret generic",
    "create secret tls",
    "create service|svc",
    "create service clusterip",
    "create service externalname",
    "create service loadbalancer",
    "create service nodeport",
    "create serviceaccount|sa",
    "create token",
    "expose",
    "run",
    "set",
    "set env",
    "set image",
    "set resources",
    "set selector",
    "set serviceaccount",
    "set subject",
    "explain",
    "get",
    "edit",
    "delete",
    "rollout",
    "rollout history",
    "rollout pause",
    "rollout restart",
    "rollout resume",
    "rollout status",
    "rollout undo",
    "scale",
    "autoscale",
    "certificate",
    "certificate approve",
    "certificate deny",
    "cluster-info",
    "cluster-info dump",
    "top",
    "top node|nodes|no",
    "top pod|pods|po",
    "cordon",
    "uncordon",
    "drain",
    "taint",
    "describe",
    "logs",
    "attach",
    "exec",
    "port-forward",
    "proxy",
    "cp",
    "auth",
    "auth can-i",
    "auth reconcile",
    "auth whoami",
    "debug",
    "events",
    "diff",
    "apply",
    "apply edit-last-applied",
    "apply set-last-applied",
    "apply view-last-applied",
    "patch",
    "replace",
    "wait",
    "kustomize",
    "label",
    "annotate",
    "completion",
    "alpha",
    "config",
    "config current-context",
    "config delete-cluster",
    "config delete-context",
    "config delete-user",
    "config get-clusters",
    "config get-contexts",
    "config get-users",
    "config rename-context",
    "config set",
    "config set-cluster",
    "config set-context",
    "config set-credentials",
    "config unset",
    "config use-context",
    "config view",
    "plugin",
    "plugin list",
    "version",
    "api-versions",
    "api-resources",
    "options",
    "help",
};

/* Whether entry (a path with "|aliases") is parent followed by word. The canonical path goes
 * to *canonical (owned) when it is. */
static bool command_matches(const char *entry, const char *parent, const char *word,
                            char **canonical)
{
    size_t plen = strlen(parent);
    const char *last = entry;
    if (plen > 0) {
        if (strncmp(entry, parent, plen) != 0 || entry[plen] != ' ') {
            return false;
        }
        last = entry + plen + 1;
    }
    if (strchr(last, ' ') != NULL) {
        return false;
    }
    size_t name_len = strcspn(last, "|");
    for (const char *p = last; *p;) {
        size_t n = strcspn(p, "|");
        if (n == strlen(word) && strncmp(p, word, n) == 0) {
            *canonical = xstrndup(entry, (size_t)(last - entry) + name_len);
            return true;
        }
        p += n + (p[n] == '|');
    }
    return false;
}

/* cobra's root.Find on the words of a plugin's name after "kubectl-": the deepest command the
 * words name ("config view", or "create" for kubectl-create-foo), or NULL when the first word
 * names no command. Owned. */
static char *find_kubectl_command(const char *bin_name)
{
    const char *rest = strchr(bin_name, '-');
    rest = rest ? rest + 1 : bin_name;
    char *path = xstrdup("");
    for (const char *p = rest;;) {
        size_t n = strcspn(p, "-");
        cleanup_free char *word = xstrndup(p, n);
        char *next = NULL;
        for (size_t i = 0; i < sizeof KUBECTL_COMMANDS / sizeof *KUBECTL_COMMANDS; i++) {
            if (command_matches(KUBECTL_COMMANDS[i], path, word, &next)) {
                break;
            }
        }
        if (next == NULL) {
            break;
        }
        free(path);
        path = next;
        if (p[n] == '\0') {
            break;
        }
        p += n + 1;
    }
    if (*path == '\0') {
        free(path);
        return NULL;
    }
    return path;
}

/* plugin.go's CommandOverrideVerifier for one file: prints each finding as "  - ..." on
 * stderr and returns how many. seen holds "binName\tpath" of the plugins met so far. */
static int verify_plugin(struct ctl *c, const char *path, const char *bin_name,
                         struct cli_strv *seen)
{
    int findings = 0;
    struct stat st;
    if (stat(path, &st) != 0) {
        char text[128];
        go_errno_text(errno, text, sizeof text);
        fprintf(c->errout, "  - error: unable to identify %s as an executable file: stat %s: %s\n",
                path, path, text);
        findings++;
    } else if (S_ISDIR(st.st_mode) || (st.st_mode & 0111) == 0) {
        fprintf(c->errout,
                "  - warning: %s identified as a kubectl plugin, but it is not executable\n", path);
        findings++;
    }
    const char *shadowing = NULL;
    size_t blen = strlen(bin_name);
    for (size_t i = 0; i < seen->n && shadowing == NULL; i++) {
        if (strncmp(seen->v[i], bin_name, blen) == 0 && seen->v[i][blen] == '\t') {
            shadowing = seen->v[i] + blen + 1;
        }
    }
    if (shadowing != NULL) {
        fprintf(c->errout, "  - warning: %s is overshadowed by a similarly named plugin: %s\n",
                path, shadowing);
        findings++;
    } else {
        cleanup_free char *entry = xasprintf("%s\t%s", bin_name, path);
        cli_strv_add(seen, entry);
    }
    cleanup_free char *command = find_kubectl_command(bin_name);
    if (command != NULL) {
        fprintf(c->errout, "  - warning: %s overwrites existing command: \"kubectl %s\"\n",
                bin_name, command);
        findings++;
    }
    return findings;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

/* One PATH directory's kubectl-* files (not directories) in name order, added to plugins;
 * an unreadable directory is reported and skipped, as ListPlugins does. */
static void collect_dir(struct ctl *c, const char *dir, struct cli_strv *plugins)
{
    struct dirent **entries = NULL;
    int n = scandir(dir, &entries, NULL, by_name);
    if (n < 0) {
        char text[128];
        int e = errno;
        go_errno_text(e, text, sizeof text);
        fprintf(c->errout,
                "Unable to read directory \"%s\" from your PATH: %s %s: %s. Skipping...\n", dir,
                e == ENOTDIR ? "readdirent" : "open", dir, text);
        return;
    }
    for (int i = 0; i < n; i++) {
        const char *name = entries[i]->d_name;
        cleanup_free char *path = go_path_join(dir, name);
        struct stat st;
        bool is_dir = lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
        if (!is_dir && strncmp(name, "kubectl-", strlen("kubectl-")) == 0) {
            cli_strv_add(plugins, path);
        }
        free(entries[i]);
    }
    free(entries);
}

static int plugin_list(struct ctl *c, bool name_only)
{
    const char *path = getenv("PATH");
    struct cli_strv dirs = {0}, plugins = {0}, seen = {0};
    for (const char *p = path ? path : ""; *p || p == path;) {
        size_t len = strcspn(p, ":");
        cleanup_free char *dir = xstrndup(p, len);
        bool dup = false;
        for (size_t i = 0; i < dirs.n && !dup; i++) {
            dup = strcmp(dirs.v[i], dir) == 0;
        }
        if (!dup) {
            cli_strv_add(&dirs, dir);
        }
        if (p[len] == '\0') {
            break;
        }
        p += len + 1;
    }
    for (size_t i = 0; i < dirs.n; i++) {
        if (strspn(dirs.v[i], " \t\r\n\v\f") != strlen(dirs.v[i])) {
            collect_dir(c, dirs.v[i], &plugins);
        }
    }
    if (plugins.n > 0) {
        fputs("The following compatible plugins are available:\n\n", c->out);
    }
    int findings = 0;
    for (size_t i = 0; i < plugins.n; i++) {
        const char *base = strrchr(plugins.v[i], '/');
        base = base ? base + 1 : plugins.v[i];
        fprintf(c->out, "%s\n", name_only ? base : plugins.v[i]);
        fflush(c->out); /* kubectl's lines interleave with its warnings unbuffered */
        findings += verify_plugin(c, plugins.v[i], base, &seen);
    }
    bool found_any = plugins.n > 0;
    cli_strv_free(&dirs);
    cli_strv_free(&plugins);
    cli_strv_free(&seen);
    if (!found_any) {
        fputs("error: unable to find any kubectl plugins in your PATH\n", c->errout);
    }
    if (findings == 1) {
        fputs("error: one plugin warning was found\n", c->errout);
    } else if (findings > 1) {
        fprintf(c->errout, "error: %d plugin warnings were found\n", findings);
    }
    return !found_any || findings > 0 ? 1 : 0;
}

int cmd_plugin(struct ctl *c, int argc, char **argv)
{
    bool name_only = false;
    struct cli_flag flags[] = {
        {"name-only", 0, CLI_BOOL, &name_only, false},
        {NULL, 0, CLI_STRING, NULL, false},
    };
    struct cli_strv args = {0};
    int status = 0;
    bool list = false;
    /* the subcommand word decides which flags exist; find it before parsing */
    for (int i = 0; i < argc && !list; i++) {
        list = strcmp(argv[i], "list") == 0;
    }
    if (list) {
        snprintf(c->cmd_path, sizeof c->cmd_path, "%s", "plugin list");
    }
    if (!ctl_parse(c, list ? flags : NULL, argc, argv, &args, &status)) {
        cli_strv_free(&args);
        return status;
    }
    if (list) {
        status = plugin_list(c, name_only);
    } else if (args.n > 0) {
        status = ctl_usage_error(c, "unknown command \"%s\"", args.v[0]);
    } else {
        fprintf(c->errout,
                "Utilities for plugins: executables named kubectl-<name> on PATH that run as "
                "'%s <name>'.\n\nAvailable Commands:\n  list          List the plugin "
                "executables on PATH\n\nUsage:\n  %s plugin [flags] [options]\n",
                c->prog, c->prog);
        status = 1;
    }
    cli_strv_free(&args);
    return status;
}

/* ---- options ---------------------------------------------------------------------------- */

/* kubectl 1.32's global flags in `kubectl options` order: shorthand, default as pflag prints
 * it (NULL: computed), usage text. */
struct global_flag_text {
    const char *name;
    char shorthand;
    const char *def;
    const char *usage;
};

static const struct global_flag_text GLOBAL_FLAG_TEXTS[] = {
    {"as", 0, "''",
     "Username to impersonate for the operation. User could be a regular user or a service "
     "account in a namespace."},
    {"as-group", 0, "[]",
     "Group to impersonate for the operation, this flag can be repeated to specify multiple "
     "groups."},
    {"as-uid", 0, "''", "UID to impersonate for the operation."},
    {"cache-dir", 0, NULL, "Default cache directory"},
    {"certificate-authority", 0, "''", "Path to a cert file for the certificate authority"},
    {"client-certificate", 0, "''", "Path to a client certificate file for TLS"},
    {"client-key", 0, "''", "Path to a client key file for TLS"},
    {"cluster", 0, "''", "The name of the kubeconfig cluster to use"},
    {"context", 0, "''", "The name of the kubeconfig context to use"},
    {"disable-compression", 0, "false",
     "If true, opt-out of response compression for all requests to the server"},
    {"insecure-skip-tls-verify", 0, "false",
     "If true, the server's certificate will not be checked for validity. This will make your "
     "HTTPS connections insecure"},
    {"kubeconfig", 0, "''", "Path to the kubeconfig file to use for CLI requests."},
    {"log-flush-frequency", 0, "5s", "Maximum number of seconds between log flushes"},
    {"match-server-version", 0, "false", "Require server version to match client version"},
    {"namespace", 'n', "''", "If present, the namespace scope for this CLI request"},
    {"password", 0, "''", "Password for basic authentication to the API server"},
    {"profile", 0, "'none'",
     "Name of profile to capture. One of (none|cpu|heap|goroutine|threadcreate|block|mutex)"},
    {"profile-output", 0, "'profile.pprof'", "Name of the file to write the profile to"},
    {"request-timeout", 0, "'0'",
     "The length of time to wait before giving up on a single server request. Non-zero values "
     "should contain a corresponding time unit (e.g. 1s, 2m, 3h). A value of zero means don't "
     "timeout requests."},
    {"server", 's', "''", "The address and port of the Kubernetes API server"},
    {"tls-server-name", 0, "''",
     "Server name to use for server certificate validation. If it is not provided, the hostname "
     "used to contact the server is used"},
    {"token", 0, "''", "Bearer token for authentication to the API server"},
    {"user", 0, "''", "The name of the kubeconfig user to use"},
    {"username", 0, "''", "Username for basic authentication to the API server"},
    {"v", 'v', "0", "number for the log level verbosity"},
    {"vmodule", 0, "",
     "comma-separated list of pattern=N settings for file-filtered logging (only works for the "
     "default text log format)"},
    {"warnings-as-errors", 0, "false",
     "Treat warnings received from the server as errors and exit with a non-zero exit code"},
};

int cmd_options(struct ctl *c, int argc, char **argv)
{
    int status = 0;
    if (!ctl_parse_flags(c, NULL, argc, argv, &status)) {
        return status;
    }
    /* kubectl's cache directory default: $KUBECACHEDIR, else $HOME/.kube/cache */
    const char *env_cache = getenv("KUBECACHEDIR");
    cleanup_free char *cache_dir = NULL;
    if (env_cache != NULL && *env_cache != '\0') {
        cache_dir = xasprintf("'%s'", env_cache);
    } else {
        const char *home = getenv("HOME");
        cleanup_free char *joined = go_path_join(home ? home : "", ".kube/cache");
        cache_dir = xasprintf("'%s'", joined);
    }
    fputs("The following options can be passed to any command:\n\n", c->out);
    for (size_t i = 0; i < sizeof GLOBAL_FLAG_TEXTS / sizeof *GLOBAL_FLAG_TEXTS; i++) {
        const struct global_flag_text *t = &GLOBAL_FLAG_TEXTS[i];
        bool known = false;
        for (const struct cli_flag *f = c->global_flags; f->name != NULL && !known; f++) {
            known = strcmp(f->name, t->name) == 0;
        }
        if (!known) {
            continue;
        }
        fputs("    ", c->out);
        if (t->shorthand) {
            fprintf(c->out, "-%c, ", t->shorthand);
        }
        fprintf(c->out, "--%s=%s:\n\t%s\n\n", t->name, t->def ? t->def : cache_dir, t->usage);
    }
    return 0;
}
