/*-------------------------------------------------------------------------
 *
 * folder.c
 *	  The migrations folder: its .sql files read in name order (byte
 *	  order, as "ls" in the C locale), each checked to be UTF-8 text, and
 *	  the name of the next file.  What a file means is the extension's
 *	  business (migrate_parse_file); here a file is a name and its bytes.
 *
 * src/bin/pg_migrate/folder.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres_fe.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

#include "common/logging.h"

#include "pg_migrate.h"

static int
compare_files(const void *a, const void *b)
{
	return strcmp(((const PmFile *) a)->name, ((const PmFile *) b)->name);
}

/*
 * The length of the UTF-8 character at s (at most len bytes), or 0 if it
 * is not one: no overlong forms, no surrogates, nothing above U+10FFFF.
 */
static int
utf8_char_length(const unsigned char *s, size_t len)
{
	int			n;
	unsigned int cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		n = 2, cp = s[0] & 0x1F;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		n = 3, cp = s[0] & 0x0F;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	if ((size_t) n > len)
		return 0;
	for (int i = 1; i < n; i++)
	{
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
		(cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		return 0;
	return n;
}

/* Exit 5 unless the bytes are UTF-8 text without a NUL */
static void
check_text(const char *path, const char *data, size_t len)
{
	int			line = 1;

	for (size_t i = 0; i < len;)
	{
		int			n;

		if (data[i] == '\0')
		{
			pm_log_error("file \"%s\" holds a NUL byte at line %d", path, line);
			pm_log_error_detail("A revision file is text.");
			pm_exit(PM_EXIT_FILES);
		}
		n = utf8_char_length((const unsigned char *) data + i, len - i);
		if (n == 0)
		{
			pm_log_error("file \"%s\" is not valid UTF-8 at line %d", path, line);
			pm_log_error_hint("Save the file as UTF-8.");
			pm_exit(PM_EXIT_FILES);
		}
		if (data[i] == '\n')
			line++;
		i += n;
	}
}

/*
 * A whole file, NUL-terminated, checked to be UTF-8 text; exits 5 if it
 * cannot be read or is not
 */
char *
folder_read_file(const char *path)
{
	FILE	   *f = fopen(path, "rb");
	PQExpBufferData buf;
	char		chunk[65536];
	size_t		n;

	if (f == NULL)
	{
		pm_log_error("could not open file \"%s\": %m", path);
		pm_exit(PM_EXIT_FILES);
	}
	initPQExpBuffer(&buf);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		appendBinaryPQExpBuffer(&buf, chunk, n);
	if (ferror(f) || PQExpBufferBroken(&buf))
	{
		pm_log_error("could not read file \"%s\": %m", path);
		pm_exit(PM_EXIT_FILES);
	}
	fclose(f);
	check_text(path, buf.data, buf.len);
	return buf.data;
}

/*
 * Write a new file (never over an existing one); false, with the error
 * said and nothing left behind, if that fails
 */
bool
folder_write_new(const char *path, const char *content)
{
	size_t		len = strlen(content);
	int			fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0666);
	FILE	   *f = fd >= 0 ? fdopen(fd, "wb") : NULL;

	if (f == NULL)
	{
		pm_log_error("could not create file \"%s\": %m", path);
		if (fd >= 0)
			close(fd);
		return false;
	}
	if (fwrite(content, 1, len, f) != len || fclose(f) != 0)
	{
		pm_log_error("could not write file \"%s\": %m", path);
		unlink(path);
		return false;
	}
	return true;
}

/*
 * The .sql files of the folder (not the hidden ones), in name order; a
 * .sql name that is not a regular file (a folder, a device) is an error,
 * exit 5.  A missing folder is an error (exit 5) if must_exist, an
 * empty list otherwise.
 */
PmFolder *
folder_read(const char *dir, bool must_exist)
{
	PmFolder   *folder = pg_malloc0(sizeof(PmFolder));
	DIR		   *d = opendir(dir);
	struct dirent *de;
	int			alloc = 64;

	if (d == NULL)
	{
		if (errno == ENOENT && !must_exist)
			return folder;
		if (errno == ENOENT)
		{
			pm_log_error("migrations folder \"%s\" does not exist", dir);
			pm_log_error_hint("Run \"pg_migrate init\", or name the folder with --dir.");
		}
		else
			pm_log_error("could not open migrations folder \"%s\": %m", dir);
		pm_exit(PM_EXIT_FILES);
	}
	folder->files = pg_malloc(sizeof(PmFile) * alloc);
	while (errno = 0, (de = readdir(d)) != NULL)
	{
		size_t		len = strlen(de->d_name);
		char	   *path;
		struct stat st;

		if (de->d_name[0] == '.' || len < 5 || strcmp(de->d_name + len - 4, ".sql") != 0)
			continue;
		path = psprintf("%s/%s", dir, de->d_name);
		if (stat(path, &st) != 0)
		{
			pm_log_error("could not stat file \"%s\": %m", path);
			pm_exit(PM_EXIT_FILES);
		}
		if (!S_ISREG(st.st_mode))
		{
			/* skipped, its revision would be silently left out */
			pm_log_error("\"%s\" is not a regular file", path);
			pm_log_error_hint("A revision is a file; rename what is not one so that its name does not end in \".sql\".");
			pm_exit(PM_EXIT_FILES);
		}
		if (folder->nfiles == alloc)
		{
			alloc *= 2;
			folder->files = pg_realloc(folder->files, sizeof(PmFile) * alloc);
		}
		folder->files[folder->nfiles].name = pg_strdup(de->d_name);
		folder->files[folder->nfiles].content = folder_read_file(path);
		folder->nfiles++;
		free(path);
	}
	if (errno != 0)
	{
		pm_log_error("could not read migrations folder \"%s\": %m", dir);
		pm_exit(PM_EXIT_FILES);
	}
	closedir(d);
	qsort(folder->files, folder->nfiles, sizeof(PmFile), compare_files);
	return folder;
}

/*
 * The name of a new file: the number after the highest leading number of
 * the folder's names (as wide as theirs, four digits at least), then the
 * message in lower case, anything but letters and digits made "_":
 * "0007_add_email_to_users.sql".
 */
char *
folder_new_name(const PmFolder *folder, const char *message)
{
	long		last = 0;
	int			width = 4;
	PQExpBufferData slug;
	bool		gap = false;

	for (int i = 0; i < folder->nfiles; i++)
	{
		const char *name = folder->files[i].name;
		int			digits = strspn(name, "0123456789");

		if (digits == 0 || digits > 18)
			continue;
		last = Max(last, strtol(name, NULL, 10));
		width = Max(width, digits);
	}
	initPQExpBuffer(&slug);
	for (const char *p = message; *p && slug.len < 48; p++)
	{
		if (isalnum((unsigned char) *p) && !((unsigned char) *p & 0x80))
		{
			if (gap && slug.len > 0)
				appendPQExpBufferChar(&slug, '_');
			appendPQExpBufferChar(&slug, pg_ascii_tolower((unsigned char) *p));
			gap = false;
		}
		else
			gap = true;
	}
	if (slug.len == 0)
		appendPQExpBufferStr(&slug, "revision");
	return psprintf("%0*ld_%s.sql", width, last + 1, slug.data);
}
