/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VM entry and VM exit.
 *
 * int khv_vmx_vmenter(unsigned long *gprs, bool launched)
 *
 * Loads the guest GPRs from @gprs (enum khv_gpr order; RSP and RIP live in
 * the VMCS), executes VMRESUME if @launched else VMLAUNCH and, after the VM
 * exit, stores the guest GPRs back. HOST_RSP is written here, so the exit
 * lands at khv_vmx_vmexit (HOST_RIP) on this very stack frame, and the
 * function returns to its caller like any other.
 *
 * Returns 0 after a VM exit, 1 when VMLAUNCH/VMRESUME failed (VMfailValid or
 * VMfailInvalid, SDM 30.2: the VMCS is not entered and RFLAGS says why) and
 * 2 when the instruction faulted (VMX turned off under a running vCPU by the
 * reboot path).
 *
 * The caller runs with interrupts disabled. Guest values are wiped from the
 * GPRs after the exit so they cannot steer speculation in the host, and the
 * return stack buffer is refilled before the first RET (the guest may have
 * left it full of its own targets).
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/nospec-branch.h>
#include <asm/unwind_hints.h>

/* VMCS encoding of HOST_RSP (SDM Vol. 3D, Appendix B.4.4). */
#define KHV_HOST_RSP	0x00006c14

#define G_RAX	(0 * 8)
#define G_RCX	(1 * 8)
#define G_RDX	(2 * 8)
#define G_RBX	(3 * 8)
#define G_RBP	(5 * 8)
#define G_RSI	(6 * 8)
#define G_RDI	(7 * 8)
#define G_R8	(8 * 8)
#define G_R9	(9 * 8)
#define G_R10	(10 * 8)
#define G_R11	(11 * 8)
#define G_R12	(12 * 8)
#define G_R13	(13 * 8)
#define G_R14	(14 * 8)
#define G_R15	(15 * 8)

	.section .noinstr.text, "ax"

SYM_FUNC_START(khv_vmx_vmenter)
	push	%rbp
	mov	%rsp, %rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx
	/* The GPR array, found at 0(%rsp) again after the VM exit. */
	push	%rdi

	mov	$KHV_HOST_RSP, %eax
	vmwrite	%rsp, %rax
	jbe	.Lvmwrite_failed

	/*
	 * CF = @launched. Nothing below touches CF: MOV leaves the flags
	 * alone and VERW (the CPU-buffer clearing) writes only ZF.
	 */
	bt	$0, %esi

	mov	G_RAX(%rdi), %rax
	mov	G_RCX(%rdi), %rcx
	mov	G_RDX(%rdi), %rdx
	mov	G_RBX(%rdi), %rbx
	mov	G_RBP(%rdi), %rbp
	mov	G_RSI(%rdi), %rsi
	mov	G_R8(%rdi), %r8
	mov	G_R9(%rdi), %r9
	mov	G_R10(%rdi), %r10
	mov	G_R11(%rdi), %r11
	mov	G_R12(%rdi), %r12
	mov	G_R13(%rdi), %r13
	mov	G_R14(%rdi), %r14
	mov	G_R15(%rdi), %r15
	mov	G_RDI(%rdi), %rdi

	/* MDS and friends: flush CPU buffers right before entering. */
	VM_CLEAR_CPU_BUFFERS

	/* The exit comes back with the stack as it is here. */
	UNWIND_HINT_SAVE
	jc	.Lresume
.Llaunch:
	vmlaunch
	jmp	.Lvmfail
.Lresume:
	vmresume
	jmp	.Lvmfail

	_ASM_EXTABLE(.Llaunch, .Lfault)
	_ASM_EXTABLE(.Lresume, .Lfault)

SYM_INNER_LABEL(khv_vmx_vmexit, SYM_L_GLOBAL)
	UNWIND_HINT_RESTORE
	ENDBR

	/* Free one register to address the GPR array with. */
	push	%rdi
	mov	8(%rsp), %rdi
	mov	%rax, G_RAX(%rdi)
	mov	%rcx, G_RCX(%rdi)
	mov	%rdx, G_RDX(%rdi)
	mov	%rbx, G_RBX(%rdi)
	mov	%rbp, G_RBP(%rdi)
	mov	%rsi, G_RSI(%rdi)
	mov	%r8, G_R8(%rdi)
	mov	%r9, G_R9(%rdi)
	mov	%r10, G_R10(%rdi)
	mov	%r11, G_R11(%rdi)
	mov	%r12, G_R12(%rdi)
	mov	%r13, G_R13(%rdi)
	mov	%r14, G_R14(%rdi)
	mov	%r15, G_R15(%rdi)
	pop	G_RDI(%rdi)
	xor	%eax, %eax

.Lout:
	/* Before any RET: the guest may have poisoned the RSB. */
	FILL_RETURN_BUFFER %rcx, RSB_CLEAR_LOOPS, X86_FEATURE_RSB_VMEXIT, \
			   X86_FEATURE_RSB_VMEXIT_LITE

	/* No guest value may survive in a register (speculation). */
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d

	/* Drop the GPR array pointer; restore the callee-saved registers. */
	add	$8, %rsp
	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET

.Lvmfail:
	mov	$1, %eax
	jmp	.Lout

.Lfault:
	mov	$2, %eax
	jmp	.Lout

.Lvmwrite_failed:
	mov	$1, %eax
	jmp	.Lout
SYM_FUNC_END(khv_vmx_vmenter)
