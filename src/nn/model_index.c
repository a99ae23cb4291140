/* SPDX-License-Identifier: MIT */
/**
 * @file
 * `ava models`: the models scripts/fetch-models.sh installed, from models/index.json, each
 * file checked against its sha256 (see ava.h: ava_models_check).
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ava/ava.h"
#include "config.h"
#include "src/io/filekey.h"
#include "src/log.h"

const char *ava_models_default_dir(void)
{
    const char *env = getenv("AVA_MODELS_DIR");
    return env && *env ? env : AVA_SOURCE_ROOT "/models";
}

static const char *str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : "?";
}

int ava_models_check(const char *dir, AvaModelFn fn, void *cookie, const AvaLogger *lg)
{
    if (!dir)
        dir = ava_models_default_dir();
    char index[4096];
    snprintf(index, sizeof(index), "%s/index.json", dir);
    FILE *f = fopen(index, "rb");
    if (!f) {
        ava_log(lg, AVA_LOG_ERROR, "%s: no model index (%s); install the models with "
                "scripts/fetch-models.sh", index, strerror(errno));
        return AVA_ERR_MODEL;
    }
    char *text = malloc(1 << 20);
    size_t n = text ? fread(text, 1, (1 << 20) - 1, f) : 0;
    fclose(f);
    if (!text)
        return AVA_ERR(ENOMEM);
    text[n] = 0;
    cJSON *root = cJSON_Parse(text);
    free(text);
    const cJSON *models = cJSON_GetObjectItemCaseSensitive(root, "models");
    if (!cJSON_IsArray(models)) {
        ava_log(lg, AVA_LOG_ERROR, "%s: not a model index; re-run scripts/fetch-models.sh",
                index);
        cJSON_Delete(root);
        return AVA_ERR_MODEL;
    }
    int bad = 0;
    const cJSON *m;
    cJSON_ArrayForEach(m, models)
    {
        AvaModelInfo info = { str(m, "name"), str(m, "package"), str(m, "version"),
                              str(m, "licence"), dir, 0, 0, NULL };
        char problem[512] = "";
        const cJSON *files = cJSON_GetObjectItemCaseSensitive(m, "files"), *fe;
        cJSON_ArrayForEach(fe, files)
        {
            char path[8192], hex[AVA_KEY_HEX];
            snprintf(path, sizeof(path), "%s/%s", dir, str(fe, "path"));
            info.files++;
            int r = ava_file_sha256(path, hex);
            if (r == 0 && !strcmp(hex, str(fe, "sha256")))
                info.files_ok++;
            else if (!problem[0])
                snprintf(problem, sizeof(problem), "%s %s", str(fe, "path"),
                         r == AVA_ERR(ENOENT) ? "missing" : "does not match its sha256");
        }
        info.problem = problem[0] ? problem : NULL;
        bad += info.files_ok != info.files || info.files == 0;
        if (fn)
            fn(cookie, &info);
    }
    cJSON_Delete(root);
    return bad;
}
