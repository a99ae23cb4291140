/* SPDX-License-Identifier: MIT */
/* Decode a JPEG to binary PPM on stdout with tjDecompress2 and default flags: the exact
 * decoder (and pixels) the C parity tests use, so the node reference sees the same input. */
#include <stdio.h>
#include <stdlib.h>
#include <turbojpeg.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: jpeg2ppm FILE.jpg > FILE.ppm\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *jpg = malloc((size_t)n);
    if (!jpg || fread(jpg, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "%s: read failed\n", argv[1]);
        return 1;
    }
    fclose(f);
    tjhandle tj = tjInitDecompress();
    int w, h, sub, cs;
    if (tjDecompressHeader3(tj, jpg, (unsigned long)n, &w, &h, &sub, &cs) < 0) {
        fprintf(stderr, "%s: %s\n", argv[1], tjGetErrorStr2(tj));
        return 1;
    }
    unsigned char *rgb = malloc((size_t)w * h * 3);
    if (!rgb || tjDecompress2(tj, jpg, (unsigned long)n, rgb, w, w * 3, h, TJPF_RGB, 0) < 0) {
        fprintf(stderr, "%s: %s\n", argv[1], tjGetErrorStr2(tj));
        return 1;
    }
    printf("P6\n%d %d\n255\n", w, h);
    fwrite(rgb, 1, (size_t)w * h * 3, stdout);
    tjDestroy(tj);
    free(rgb);
    free(jpg);
    return 0;
}
