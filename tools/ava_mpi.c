/* SPDX-License-Identifier: MIT */
/**
 * @file
 * ava-mpi: `mpirun -n N ava-mpi analyze VIDEO... -o DIR` spreads the chunks of one or many
 * titles over MPI ranks. Rank 0 hands out chunks on request (a slow rank never holds the
 * others), works on chunks itself too, and merges, ranks and exports each title once its
 * shards are all written (shared storage). A user of the public API only, plus MPI.
 */
#include <getopt.h>
#include <sched.h>
#include <limits.h>
#include <mpi.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ava/ava.h"

enum { TAG_REQUEST = 1, TAG_TASK = 2 };

typedef struct Title {
    const char *path;
    char out_dir[4096];
    AvaContext *ctx;       ///< per title: its own output folder
    AvaTitle *t;           ///< opened lazily by each rank that works on it
    int n_chunks;          ///< rank 0: from its own open; -1 = the title failed to open
    int remaining;         ///< rank 0: chunks not yet reported done
    int failed;            ///< rank 0: a chunk or the open failed
    int finished;          ///< rank 0: merged and exported (or given up)
    double t_start;
} Title;

typedef struct Job {
    Title *titles;
    int n_titles;
    AvaSettings settings;
    int n_chunks_req;      ///< --chunks
    int rank, size;
    /* rank 0 only, guarded by lock */
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int next_title, next_chunk;
    int remote_active;     ///< ranks that have not been told to stop
    long long chunks_done[64];
    int local_ranks;       ///< ranks on rank 0's machine (they are idle at the very end)
    cpu_set_t local_cpus;  ///< the CPUs mpirun bound those ranks to, together
} Job;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Open MPI's blocking calls spin on the CPU while they wait. A rank that only waits (the
 * coordinator thread, a rank done with its chunks) would take a core from the ranks that
 * work: 2 ranks on 2 cores ran at 74 % efficiency. Poll instead, sleeping in between.
 */
static void wait_quietly(MPI_Request *req, MPI_Status *st)
{
    int done = 0;
    long ns = 50000;
    for (;;) {
        MPI_Test(req, &done, st ? st : MPI_STATUS_IGNORE);
        if (done)
            return;
        struct timespec d = { 0, ns };
        nanosleep(&d, NULL);
        if (ns < 2000000)
            ns *= 2;
    }
}

static int my_rank;

static void log_cb(void *cookie, int level, const char *fmt, va_list ap)
{
    (void)cookie;
    char line[2048];
    vsnprintf(line, sizeof(line), fmt, ap);
    fprintf(stderr, "ava-mpi rank %d: %s%s\n", my_rank,
            level == AVA_LOG_ERROR ? "error: " : level == AVA_LOG_WARNING ? "warning: " : "",
            line);
}

static int open_title(Job *j, Title *ti)
{
    if (ti->t)
        return 0;
    if (!ti->ctx) {
        AvaSettings s = j->settings;
        s.out_dir = ti->out_dir;
        int ret = ava_open(&ti->ctx, &s);
        if (ret < 0)
            return ret;
    }
    return ava_title_open(ti->ctx, ti->path, j->n_chunks_req, &ti->t);
}

static int run_chunk(Job *j, int title, int chunk)
{
    Title *ti = &j->titles[title];
    int ret = open_title(j, ti);
    if (ret >= 0) {
        if (j->settings.logger.max_level >= AVA_LOG_INFO)
            fprintf(stderr, "ava-mpi rank %d: title %d/%d %s: chunk %d/%d\n", j->rank,
                    title + 1, j->n_titles, ti->path, chunk + 1, ava_title_chunks(ti->t));
        ret = ava_title_run_chunks(ti->t, chunk, 1);
    }
    return ret;
}

/* rank 0: the next chunk to hand out, or -1 when none is left. Called with lock held. */
static int take_task(Job *j, int *title, int *chunk)
{
    while (j->next_title < j->n_titles) {
        Title *ti = &j->titles[j->next_title];
        if (ti->n_chunks > 0 && j->next_chunk < ti->n_chunks) {
            *title = j->next_title;
            *chunk = j->next_chunk++;
            return 0;
        }
        j->next_title++;
        j->next_chunk = 0;
    }
    return -1;
}

/* rank 0: whether take_task() would find a chunk. Called with lock held. */
static int chunks_remain(const Job *j)
{
    for (int i = j->next_title; i < j->n_titles; i++) {
        int first = i == j->next_title ? j->next_chunk : 0;
        if (j->titles[i].n_chunks > first)
            return 1;
    }
    return 0;
}

/* rank 0: a chunk came back. Called with lock held. */
static void task_done(Job *j, int title, int rc, int from_rank)
{
    if (title < 0 || title >= j->n_titles)
        return;
    Title *ti = &j->titles[title];
    if (rc < 0)
        ti->failed = 1;
    ti->remaining--;
    if (from_rank >= 0 && from_rank < 64)
        j->chunks_done[from_rank]++;
    pthread_cond_broadcast(&j->cond);
}

/* rank 0: answers the other ranks; the only thread of rank 0 that calls MPI. */
static void *coordinator(void *arg)
{
    Job *j = arg;
    while (j->remote_active > 0) {
        int msg[3];
        MPI_Status st;
        MPI_Request req;
        MPI_Irecv(msg, 3, MPI_INT, MPI_ANY_SOURCE, TAG_REQUEST, MPI_COMM_WORLD, &req);
        wait_quietly(&req, &st);
        int reply[2] = { -1, -1 };
        pthread_mutex_lock(&j->lock);
        if (msg[1] >= 0)
            task_done(j, msg[1], msg[0], st.MPI_SOURCE);
        if (take_task(j, &reply[0], &reply[1]) < 0)
            j->remote_active--;
        pthread_mutex_unlock(&j->lock);
        MPI_Send(reply, 2, MPI_INT, st.MPI_SOURCE, TAG_TASK, MPI_COMM_WORLD);
    }
    return NULL;
}

static void worker_rank(Job *j)
{
    int msg[3] = { 0, -1, -1 };
    for (;;) {
        MPI_Send(msg, 3, MPI_INT, 0, TAG_REQUEST, MPI_COMM_WORLD);
        int task[2];
        MPI_Request req;
        MPI_Irecv(task, 2, MPI_INT, 0, TAG_TASK, MPI_COMM_WORLD, &req);
        wait_quietly(&req, NULL);
        if (task[0] < 0)
            break;
        msg[0] = run_chunk(j, task[0], task[1]);
        msg[1] = task[0];
        msg[2] = task[1];
    }
}

/*
 * When no chunk is left to hand out, the other ranks of this machine are about to idle:
 * the merge, faces and export of the title may use their cores too. The title is opened
 * afresh with that many threads (its context fixes the thread count).
 */
static int widen_for_finish(Job *j, Title *ti, int chunks_left)
{
    int threads = j->settings.n_threads * (chunks_left ? 1 : j->local_ranks);
    if (j->settings.logger.max_level >= AVA_LOG_INFO)
        fprintf(stderr, "ava-mpi rank %d: %s: merge, faces and export on %d thread(s)\n",
                j->rank, ti->path, threads);
    if (threads <= j->settings.n_threads || ti->failed)
        return 0;
    /* mpirun binds each rank to its own core(s): without this the extra threads would share
     * rank 0's core while the others' stay idle. Threads created from here on inherit it. */
    if (sched_setaffinity(0, sizeof(j->local_cpus), &j->local_cpus) != 0 &&
        j->settings.logger.max_level >= AVA_LOG_WARNING)
        fprintf(stderr, "ava-mpi rank %d: warning: cannot widen the CPU binding; the finish "
                "threads share this rank's cores\n", j->rank);
    ava_title_close(&ti->t);
    ava_close(&ti->ctx);
    AvaSettings s = j->settings;
    s.out_dir = ti->out_dir;
    s.n_threads = threads;
    int ret = ava_open(&ti->ctx, &s);
    if (ret >= 0)
        ret = ava_title_open(ti->ctx, ti->path, j->n_chunks_req, &ti->t);
    return ret;
}

static int finish_title(Job *j, Title *ti, int chunks_left)
{
    int ret = ti->failed ? -1 : widen_for_finish(j, ti, chunks_left);
    if (ret >= 0 && !ti->failed)
        ret = open_title(j, ti);
    if (ret >= 0)
        ret = ava_title_finish(ti->t);
    double dt = now_s() - ti->t_start;
    fprintf(stderr, "ava-mpi: %s: %s (%.1f s) -> %s\n", ti->path, ret >= 0 ? "done" : "FAILED",
            dt, ti->out_dir);
    return ret;
}

static int leader_rank(Job *j)
{
    int failures = 0;
    for (int i = 0; i < j->n_titles; i++) {
        Title *ti = &j->titles[i];
        ti->t_start = now_s();
        if (open_title(j, ti) < 0) {
            ti->n_chunks = -1;
            ti->failed = ti->finished = 1;
            failures++;
            fprintf(stderr, "ava-mpi: %s: FAILED (cannot be analysed)\n", ti->path);
            continue;
        }
        ti->n_chunks = ti->remaining = ava_title_chunks(ti->t);
    }
    j->remote_active = j->size - 1;
    pthread_t coord;
    int have_coord = j->size > 1 && pthread_create(&coord, NULL, coordinator, j) == 0;
    if (j->size > 1 && !have_coord) {
        fprintf(stderr, "ava-mpi: cannot start the coordinator thread\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    for (;;) {
        pthread_mutex_lock(&j->lock);
        /* A title whose shards are all in is merged here, on rank 0. */
        Title *ready = NULL;
        int all_finished = 1;
        for (int i = 0; i < j->n_titles; i++) {
            Title *ti = &j->titles[i];
            if (!ti->finished && ti->remaining == 0 && !ready) {
                ready = ti;
                ti->finished = 1;
            }
            all_finished &= ti->finished;
        }
        int title = -1, chunk = -1;
        int chunks_left = chunks_remain(j);
        if (!ready && !all_finished && take_task(j, &title, &chunk) < 0) {
            pthread_cond_wait(&j->cond, &j->lock);
            pthread_mutex_unlock(&j->lock);
            continue;
        }
        pthread_mutex_unlock(&j->lock);
        if (ready) {
            failures += finish_title(j, ready, chunks_left) < 0;
            continue;
        }
        if (all_finished)
            break;
        int rc = run_chunk(j, title, chunk);
        pthread_mutex_lock(&j->lock);
        task_done(j, title, rc, 0);
        pthread_mutex_unlock(&j->lock);
    }
    if (have_coord)
        pthread_join(coord, NULL);
    fprintf(stderr, "ava-mpi: %d title(s), %d failed; chunks per rank:", j->n_titles, failures);
    for (int r = 0; r < j->size && r < 64; r++)
        fprintf(stderr, " %lld", j->chunks_done[r]);
    fprintf(stderr, "\n");
    return failures ? 1 : 0;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: mpirun -n N ava-mpi analyze VIDEO... -o DIR [options]\n"
               "  several videos go to DIR/<name>/; one video to DIR\n"
               "  --list FILE       more videos, one path a line\n"
               "  --chunks N        chunks per title (default: 4 per rank)\n"
               "  -j N              threads per rank (default 1)\n"
               "  -n N              stills per title (default 10)\n"
               "  -q                errors only\n");
}

static int add_title(Title **v, int *n, int *cap, const char *path)
{
    if (*n == *cap) {
        int c = *cap ? 2 * *cap : 16;
        Title *t = realloc(*v, (size_t)c * sizeof(*t));
        if (!t)
            return -1;
        *v = t;
        *cap = c;
    }
    memset(&(*v)[*n], 0, sizeof(Title));
    (*v)[(*n)++].path = strdup(path);
    return 0;
}

int main(int argc, char **argv)
{
    int provided = 0;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_SERIALIZED, &provided);
    Job j = { 0 };
    MPI_Comm_rank(MPI_COMM_WORLD, &j.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &j.size);
    my_rank = j.rank;
    if (j.size > 1 && provided < MPI_THREAD_SERIALIZED) {
        if (j.rank == 0)
            fprintf(stderr, "ava-mpi: this MPI does not provide MPI_THREAD_SERIALIZED\n");
        MPI_Finalize();
        return 1;
    }
    ava_default_settings(&j.settings);
    j.settings.n_threads = 1;
    j.settings.logger.callback = log_cb;
    const char *out = NULL, *list = NULL;
    static const struct option longopts[] = {
        { "out", required_argument, NULL, 'o' },  { "list", required_argument, NULL, 'L' },
        { "chunks", required_argument, NULL, 'c' }, { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    if (argc < 2 || strcmp(argv[1], "analyze")) {
        if (j.rank == 0)
            usage(stderr);
        MPI_Finalize();
        return 2;
    }
    int opt;
    while ((opt = getopt_long(argc - 1, argv + 1, "o:j:n:qh", longopts, NULL)) != -1) {
        switch (opt) {
        case 'o': out = optarg; break;
        case 'L': list = optarg; break;
        case 'c': j.n_chunks_req = atoi(optarg); break;
        case 'j': j.settings.n_threads = atoi(optarg); break;
        case 'n': j.settings.count = atoi(optarg); break;
        case 'q': j.settings.logger.max_level = AVA_LOG_ERROR; break;
        case 'h':
            if (j.rank == 0)
                usage(stdout);
            MPI_Finalize();
            return 0;
        default:
            if (j.rank == 0)
                usage(stderr);
            MPI_Finalize();
            return 2;
        }
    }
    int cap = 0;
    for (int i = optind + 1; i < argc; i++)
        if (add_title(&j.titles, &j.n_titles, &cap, argv[i]) < 0)
            MPI_Abort(MPI_COMM_WORLD, 1);
    if (list) {
        FILE *f = fopen(list, "r");
        if (!f) {
            if (j.rank == 0)
                fprintf(stderr, "ava-mpi: %s: cannot open the list\n", list);
            MPI_Finalize();
            return 2;
        }
        char line[4096];
        while (fgets(line, sizeof(line), f)) {
            line[strcspn(line, "\r\n")] = 0;
            if (*line && *line != '#' && add_title(&j.titles, &j.n_titles, &cap, line) < 0)
                MPI_Abort(MPI_COMM_WORLD, 1);
        }
        fclose(f);
    }
    if (!out || j.n_titles == 0 || j.n_chunks_req < 0 || j.n_chunks_req > 100000 ||
        j.settings.n_threads < 1 || j.settings.count < 1) {
        if (j.rank == 0) {
            fprintf(stderr, "ava-mpi: %s\n", !out ? "-o DIR is required" : "bad arguments");
            usage(stderr);
        }
        MPI_Finalize();
        return 2;
    }
    if (j.n_chunks_req == 0)
        j.n_chunks_req = 4 * j.size;
    for (int i = 0; i < j.n_titles; i++) {
        Title *ti = &j.titles[i];
        if (j.n_titles == 1) {
            snprintf(ti->out_dir, sizeof(ti->out_dir), "%s", out);
        } else {
            const char *base = strrchr(ti->path, '/');
            base = base ? base + 1 : ti->path;
            int len = (int)strcspn(base, ".");
            snprintf(ti->out_dir, sizeof(ti->out_dir), "%s/%03d-%.*s", out, i + 1,
                     len > 200 ? 200 : len, base);
        }
    }
    MPI_Comm node;
    j.local_ranks = 1;
    if (MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node) ==
        MPI_SUCCESS) {
        MPI_Comm_size(node, &j.local_ranks);
        cpu_set_t mine;
        CPU_ZERO(&mine);
        CPU_ZERO(&j.local_cpus);
        if (sched_getaffinity(0, sizeof(mine), &mine) == 0)
            MPI_Allreduce(&mine, &j.local_cpus, (int)sizeof(mine), MPI_BYTE, MPI_BOR, node);
        MPI_Comm_free(&node);
    }
    pthread_mutex_init(&j.lock, NULL);
    pthread_cond_init(&j.cond, NULL);
    int rc = 0;
    if (j.rank == 0)
        rc = leader_rank(&j);
    else
        worker_rank(&j);
    for (int i = 0; i < j.n_titles; i++) {
        ava_title_close(&j.titles[i].t);
        ava_close(&j.titles[i].ctx);
        free((void *)j.titles[i].path);
    }
    free(j.titles);
    pthread_mutex_destroy(&j.lock);
    pthread_cond_destroy(&j.cond);
    /* Ranks done early wait here for rank 0's exports without spinning. */
    MPI_Request done;
    MPI_Ibarrier(MPI_COMM_WORLD, &done);
    wait_quietly(&done, NULL);
    MPI_Finalize();
    return rc;
}
