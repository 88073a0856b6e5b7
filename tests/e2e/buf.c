// SPDX-License-Identifier: GPL-2.0
/*
 * fwsched_e2e_buf: hands out one-page dma-bufs to userspace, so that the e2e
 * test can hang fwsched fences on a reservation object that outlives the
 * driver that issued them (this module stays loaded; the sample driver and
 * fwsched.ko go).
 *
 * Copyright (C) 2026 The fwsched authors
 */

#include <linux/dma-buf.h>
#include <linux/dma-resv.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "e2e_buf.h"
#include "sample_uapi.h"

static struct sg_table *e2e_buf_map(struct dma_buf_attachment *a,
				    enum dma_data_direction dir)
{
	return ERR_PTR(-EOPNOTSUPP);	/* nobody maps it: it carries fences */
}

static void e2e_buf_unmap(struct dma_buf_attachment *a, struct sg_table *sgt,
			  enum dma_data_direction dir)
{
}

static void e2e_buf_release(struct dma_buf *buf)
{
}

static const struct dma_buf_ops e2e_buf_ops = {
	.map_dma_buf = e2e_buf_map,
	.unmap_dma_buf = e2e_buf_unmap,
	.release = e2e_buf_release,
};

static struct dma_buf *e2e_buf_new(void);

/*
 * For in-kernel users (the drm_sched twin): one buffer of this module's,
 * created on first use, that keeps every fence handed to it.  Like every
 * buffer it pins this module, so it is never freed: for the record only.
 */
static struct dma_buf *e2e_kept;
static DEFINE_MUTEX(e2e_kept_lock);

/**
 * fwsched_e2e_buf_keep() - hang a fence on this module's own dma-buf
 * @f: the fence; a reference is taken
 *
 * Return: 0 or a negative error code.
 */
int fwsched_e2e_buf_keep(struct dma_fence *f)
{
	int ret = 0;

	mutex_lock(&e2e_kept_lock);
	if (!e2e_kept) {
		e2e_kept = e2e_buf_new();
		if (IS_ERR(e2e_kept)) {
			ret = PTR_ERR(e2e_kept);
			e2e_kept = NULL;
		}
	}
	mutex_unlock(&e2e_kept_lock);
	if (ret)
		return ret;
	dma_resv_lock(e2e_kept->resv, NULL);
	ret = dma_resv_reserve_fences(e2e_kept->resv, 1);
	if (!ret)
		dma_resv_add_fence(e2e_kept->resv, f, DMA_RESV_USAGE_WRITE);
	dma_resv_unlock(e2e_kept->resv);
	return ret;
}
EXPORT_SYMBOL_GPL(fwsched_e2e_buf_keep);

static struct dma_buf *e2e_buf_new(void)
{
	DEFINE_DMA_BUF_EXPORT_INFO(info);

	info.ops = &e2e_buf_ops;
	info.size = PAGE_SIZE;
	info.flags = O_RDWR;
	info.exp_name = "fwsched_e2e_buf";
	info.priv = &e2e_kept_lock;	/* dma_buf_export() wants one */
	return dma_buf_export(&info);
}

static long e2e_buf_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct dma_buf *buf;
	int fd;

	if (cmd != E2E_BUF_IOC_ALLOC)
		return -ENOTTY;
	buf = e2e_buf_new();
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	fd = dma_buf_fd(buf, O_CLOEXEC);
	if (fd < 0) {
		dma_buf_put(buf);
		return fd;
	}
	if (put_user(fd, (__s32 __user *)arg))
		return -EFAULT;	/* the fd stays valid; the process owns it */
	return 0;
}

static const struct file_operations e2e_buf_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = e2e_buf_ioctl,
};

static struct miscdevice e2e_buf_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "fwsched_e2e_buf",
	.fops = &e2e_buf_fops,
};

module_misc_device(e2e_buf_dev);

MODULE_DESCRIPTION("fwsched e2e: a dma-buf exporter that outlives the driver");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS("DMA_BUF");
